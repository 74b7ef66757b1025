/** What the scans feature puts in the app's shell: the pending-scans badge and the update prompt. */
export { default as ScanBadge } from './ScanBadge.vue'
export { default as AppUpdatePrompt } from './AppUpdatePrompt.vue'
