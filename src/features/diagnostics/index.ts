/** What the diagnostics feature offers other screens: Diagnostiquer, as a dialog. */
export { default as DiagnosticsDialog } from './DiagnosticsDialog.vue'
