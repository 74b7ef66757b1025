import bwipjs from 'bwip-js/node'
import type { Page, Request } from '@playwright/test'
import { test, expect, signInAs } from './fixtures'
import { code128, equipmentCount, freshJob, newSerial, openJob, photo, tabletCodeFetched } from './techFixtures'

const MB = 1_000_000
/** The largest photo the hub accepts (server/embedded/hub/vision.ts, as the production hub). */
const HUB_LIMIT_BYTES = 8 * 1024 * 1024

/**
 * A label as a tablet's camera takes it: 4000 × 3000 pixels (12 MP), the bwip-js Code 128 label
 * enlarged four times on a shaded grey background, with the grain of a camera sensor, saved as a
 * JPEG of several MB. Drawn in the browser, whose JPEG encoder is the one a camera app's would be.
 * More grain and a higher quality make a heavier file, as a camera in dim light does.
 */
async function cameraPhoto(page: Page, serial: string, look = { grain: 24, quality: 0.92 }): Promise<Buffer> {
  const label = await bwipjs.toBuffer({
    bcid: 'code128',
    text: serial,
    scale: 2,
    height: 4,
    includetext: true,
    paddingwidth: 10,
    paddingheight: 10,
    backgroundcolor: 'FFFFFF',
  })
  const base64 = await page.evaluate(
    async ({ label, width, height, grain: amount, quality }) => {
      const png = Uint8Array.from(atob(label), (c) => c.charCodeAt(0))
      const bitmap = await createImageBitmap(new Blob([png], { type: 'image/png' }))
      const canvas = new OffscreenCanvas(width, height)
      const ctx = canvas.getContext('2d')!
      const shade = ctx.createLinearGradient(0, 0, width, height)
      shade.addColorStop(0, '#6e7276')
      shade.addColorStop(1, '#a3a7ab')
      ctx.fillStyle = shade
      ctx.fillRect(0, 0, width, height)
      ctx.imageSmoothingEnabled = false
      const w = bitmap.width * 4
      const h = bitmap.height * 4
      ctx.drawImage(bitmap, Math.round((width - w) / 2), Math.round((height - h) / 2), w, h)
      const image = ctx.getImageData(0, 0, width, height)
      let seed = 20261202
      for (let i = 0; i < image.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        const grain = (seed / 0x7fffffff - 0.5) * amount
        image.data[i] += grain
        image.data[i + 1] += grain
        image.data[i + 2] += grain
      }
      ctx.putImageData(image, 0, 0)
      const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer())
      let binary = ''
      for (let i = 0; i < jpeg.length; i += 0x8000) binary += String.fromCharCode(...jpeg.subarray(i, i + 0x8000))
      return btoa(binary)
    },
    { label: label.toString('base64'), width: 4000, height: 3000, ...look },
  )
  return Buffer.from(base64, 'base64')
}

/** The scans this tablet keeps in IndexedDB, with their photo as stored and its pixels. */
function queuedPhotos(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('ops-scans')
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const all = db.transaction('scans').objectStore('scans').getAll()
      all.onsuccess = () => resolve(all.result)
      all.onerror = () => reject(all.error)
    })
    db.close()
    type Row = { values: { serial_no: string }; photo: Blob; photoBytes?: number; originalBytes?: number }
    return Promise.all(
      (rows as Row[]).map(async (r) => {
        const bitmap = await createImageBitmap(r.photo)
        const seen = { width: bitmap.width, height: bitmap.height }
        bitmap.close()
        return {
          serial: r.values.serial_no,
          size: r.photo.size,
          type: r.photo.type,
          photoBytes: r.photoBytes,
          originalBytes: r.originalBytes,
          ...seen,
        }
      }),
    )
  })
}

/** Opens the scanner on the job page and hands it the camera's photo. */
async function scan(page: Page, picture: Buffer) {
  await page.getByTestId('scan-open').click()
  await expect(page.getByTestId('scan-sheet')).toBeVisible()
  await page.getByTestId('scan-file').setInputFiles({ name: 'IMG_4032.jpg', mimeType: 'image/jpeg', buffer: picture })
  await expect(page.getByTestId('scan-photo')).toBeVisible()
}

const isVision = (r: Request) => r.method() === 'POST' && r.url().includes('/ops/api/hub/vision/')

test('a 12 MP photo is kept under 1 MB on the tablet, still read there, and shown with its size in the queue', async ({
  page,
  context,
  request,
  world,
}) => {
  test.slow() // a 12 MP photo is drawn, encoded and shrunk on a shared two-core machine
  const job = await freshJob(request, world)
  const serial = newSerial()
  await page.setViewportSize({ width: 800, height: 1280 })
  await signInAs(page, 'technician', '/tech')
  const picture = await cameraPhoto(page, serial)
  test.info().annotations.push({ type: 'input photo', description: `4000 × 3000 JPEG, ${picture.length} bytes` })
  expect(picture.length).toBeGreaterThan(3 * MB)
  expect(picture.length).toBeLessThan(12 * MB)
  await openJob(page, job.name)

  await scan(page, picture)
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial)
  await expect(page.getByTestId('scan-read-by')).toHaveText(/Lu sur la tablette/)

  // Confirmed in the basement, out of coverage: the scan waits in the queue.
  await tabletCodeFetched(page)
  await context.setOffline(true)
  await page.getByTestId('scan-confirm').click()
  await expect(page.getByText('Scan gardé sur la tablette')).toBeVisible()

  const [kept] = (await queuedPhotos(page)).filter((r) => r.serial === serial)
  test.info().annotations.push({ type: 'queued photo', description: JSON.stringify(kept) })
  expect(kept).toMatchObject({ type: 'image/jpeg', width: 2000, height: 1500, originalBytes: picture.length })
  expect(kept.size).toBeLessThan(1 * MB)
  expect(kept.photoBytes).toBe(kept.size)

  await page.getByTestId('scan-badge').click()
  const item = page.getByTestId('queued-scan').filter({ hasText: serial })
  await expect(item.getByTestId('queued-scan-photo')).toHaveAttribute('data-bytes', String(kept.size))
  await expect(item.getByTestId('queued-scan-photo')).toHaveText(
    new RegExp(
      `^Photo : ${Math.round(kept.size / 1e3)}\\sko \\(à l’origine : ${(picture.length / MB).toFixed(1).replace('.', ',')}\\sMo\\)$`,
    ),
  )
  await expect(page.getByTestId('scan-storage-use')).toHaveText(
    /^Espace de la tablette : .+ utilisés \(\d+\s%\), .+ libres$/,
  )
  await page.screenshot({ path: '/tmp/scan-queue-panel.png' })

  await context.setOffline(false)
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

test('a 12 MP photo over the hub’s limit, which the tablet cannot read in time, reaches the hub shrunk and is read there', async ({
  page,
  request,
  world,
}) => {
  test.slow() // as above, and the tablet's reader is first given its 5 s
  const job = await freshJob(request, world)
  const serial = newSerial()
  const sentToHub: number[] = []
  page.on('request', (r) => {
    if (isVision(r)) sentToHub.push(r.postDataBuffer()?.length ?? 0)
  })
  // The reader's .wasm never arrives (a download stuck on a weak network).
  await page.route('**/*.wasm', () => undefined)
  await signInAs(page, 'technician', '/tech')
  // Dim light: a grainy photo, saved at a camera's highest quality — too heavy for the hub as taken.
  const picture = await cameraPhoto(page, serial, { grain: 64, quality: 0.99 })
  test.info().annotations.push({ type: 'input photo', description: `4000 × 3000 JPEG, ${picture.length} bytes` })
  expect(picture.length).toBeGreaterThan(HUB_LIMIT_BYTES)
  expect(picture.length).toBeLessThan(12 * MB)
  await openJob(page, job.name)

  await scan(page, picture)
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial, { timeout: 20_000 })
  await expect(page.getByTestId('scan-read-by')).toHaveText(/Lu par le serveur/)
  test.info().annotations.push({ type: 'sent to the hub', description: `${sentToHub.join(', ')} bytes` })
  expect(sentToHub).toHaveLength(1)
  expect(sentToHub[0]).toBeLessThan(1 * MB)

  await page.getByTestId('scan-confirm').click()
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial}"]`)).toBeVisible()
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

test('a tablet almost full tells the technician to send the queue, and says the browser would not keep it', async ({
  page,
  context,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  // A 2 GB allowance 85 % used, and a browser that refuses to keep the app's data for good.
  await page.addInitScript(() => {
    StorageManager.prototype.estimate = async () => ({ usage: 1_700_000_000, quota: 2_000_000_000 })
    StorageManager.prototype.persisted = async () => false
    StorageManager.prototype.persist = async () => false
  })
  await page.setViewportSize({ width: 800, height: 1280 })
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  const label = await code128(serial)
  await page.getByTestId('scan-open').click()
  await page.getByTestId('scan-file').setInputFiles(photo(label))
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial)
  await tabletCodeFetched(page)
  await context.setOffline(true)
  await page.getByTestId('scan-confirm').click()
  await page.getByTestId('scan-badge').click()

  await expect(page.getByTestId('scan-storage-use')).toHaveText(
    /^Espace de la tablette : 1,7\sGo utilisés \(85\s%\), 300\sMo libres$/,
  )
  await expect(page.getByRole('alert').filter({ hasText: 'presque plein' })).toHaveText(
    /L’espace de la tablette est presque plein \(85\s%\s?utilisés\)\. Dès que vous avez du réseau, envoyez les scans en attente\s:\stouchez «\sRéessayer maintenant\s»\./,
  )
  await expect(page.getByTestId('scan-storage-not-kept')).toContainText('Le navigateur a refusé de garder durablement')
  // A light photo is kept as taken: nothing to gain by shrinking it.
  const item = page.getByTestId('queued-scan').filter({ hasText: serial })
  await expect(item.getByTestId('queued-scan-photo')).toHaveAttribute('data-bytes', String(label.length))
  await page.screenshot({ path: '/tmp/scan-queue-full.png' })

  await context.setOffline(false)
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})
