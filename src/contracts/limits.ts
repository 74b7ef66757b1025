/**
 * Limits the BFF enforces and the SPA respects: one read through the ERPNext pass-through returns
 * at most this many rows, so a longer list is read page by page.
 */
export const ERP_PAGE_CAP = 500
