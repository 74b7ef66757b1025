/**
 * Equipment transfers waiting on a customer (a technician scanned equipment registered
 * elsewhere; nothing moved), and their confirmation, through the BFF.
 */
import { api } from 'src/api/http'
import type { PendingTransfer, PendingTransferList, TransferConfirmAnswer } from 'src/contracts/equipmentTransfer'

export async function loadTransfers(customer: string, signal?: AbortSignal): Promise<PendingTransfer[]> {
  return (await api<PendingTransferList>('/equipment-transfers', { query: { customer }, signal })).transfers
}

/** Moves the equipment to the job's customer and address, and resolves the ticket. */
export function confirmTransfer(ticket: string): Promise<TransferConfirmAnswer> {
  // A JSON body, so the request goes out as application/json like every other write.
  return api<TransferConfirmAnswer>(`/equipment-transfers/${encodeURIComponent(ticket)}/confirm`, {
    method: 'POST',
    body: {},
  })
}
