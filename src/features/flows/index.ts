/**
 * What Parcours offers other screens: the step view (the admin's preview uses it too), the runner
 * panel shown beside a customer's file, the menu that starts a flow, the banner that resumes one,
 * and Nouveau client, which starts a prospect's flow from Clients.
 */
export { default as FlowStepView } from './FlowStepView.vue'
export { default as FlowPanel } from './FlowPanel.vue'
export { default as FlowPicker } from './FlowPicker.vue'
export { default as OpenRunsBanner } from './OpenRunsBanner.vue'
export { default as NewCustomerButton } from './NewCustomerButton.vue'
export { useFlowCatalogue, type FlowCatalogueHandle } from './useFlowCatalogue'
export type { CreatedDocument } from './runSummary'
