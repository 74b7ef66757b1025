/**
 * "Remettre en attente": a job planned on a technician goes back to the unassigned queue, by
 * dragging its block onto the queue or with the U key; a colleague's board follows live; a job
 * already under way is refused with the reason.
 */
import { freeTechnician, test, expect, signInAs } from './fixtures'
import { createJob, getJob, openBoard, steadyBox } from './dispatchFixtures'

test('a planned job dragged onto the queue waits there again, technician cleared, time kept; a colleague sees it', async ({
  page,
  request,
  world,
  newContext,
}) => {
  const tomorrow = world.day(1)
  const tech = await freeTechnician(request, tomorrow)
  const job = await createJob(request, tomorrow, { technician: tech.name, status: 'Scheduled' })

  const colleague = await (await newContext()).newPage()
  await signInAs(colleague, 'dispatcher')
  await openBoard(colleague, tomorrow, tech.name)
  await expect(colleague.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)).toBeVisible()

  await signInAs(page, 'dispatcher')
  await openBoard(page, tomorrow, tech.name)
  const block = page.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)
  const from = await steadyBox(block)
  const queue = await steadyBox(page.getByTestId('unassigned-queue'))
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(queue.x + queue.width / 2, queue.y + queue.height / 2, { steps: 10 })
  await expect(page.getByTestId('drag-ghost')).toContainText('Remettre en attente')
  await page.mouse.up()

  await expect(page.getByText(`${job.name} est de retour dans les interventions non assignées.`)).toBeVisible()
  await expect(block).toHaveCount(0)
  await page.getByTestId('queue-filter').fill(job.name)
  await expect(page.getByTestId(`queue-${job.name}`)).toBeVisible()
  const saved = await getJob(request, job.name)
  expect(saved.technician ?? '').toBe('')
  expect(saved.status).toBe('Unscheduled')
  expect(saved.scheduled_start?.slice(0, 16)).toBe(job.scheduled_start?.slice(0, 16))

  await expect(colleague.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)).toHaveCount(0, {
    timeout: 5_000,
  })
})

test('U puts the selected job back in the queue; a job in progress is refused with the reason', async ({
  page,
  request,
  world,
}) => {
  const tomorrow = world.day(1)
  const tech = await freeTechnician(request, tomorrow)
  const planned = await createJob(request, tomorrow, { technician: tech.name, status: 'Scheduled' })
  const underWay = await createJob(request, tomorrow, {
    technician: tech.name,
    status: 'In Progress',
    scheduled_start: `${tomorrow} 14:00:00`,
  })
  await signInAs(page, 'dispatcher')
  await openBoard(page, tomorrow, tech.name)
  const row = page.getByTestId(`row-${tech.name}`)

  await row.getByTestId(`job-${underWay.name}`).click()
  await expect(page.getByTestId('panel-job-name')).toHaveText(underWay.name)
  await expect(page.getByTestId('unassign-job')).toHaveCount(0)
  await page.keyboard.press('u')
  await expect(
    page.getByText(`${underWay.name} ne peut pas être remise en attente : l’intervention est en cours.`),
  ).toBeVisible()
  expect((await getJob(request, underWay.name)).technician).toBe(tech.name)

  await row.getByTestId(`job-${planned.name}`).click()
  await expect(page.getByTestId('panel-job-name')).toHaveText(planned.name)
  await expect(page.getByTestId('unassign-job')).toBeVisible()
  await page.keyboard.press('u')
  await expect(page.getByText(`${planned.name} est de retour dans les interventions non assignées.`)).toBeVisible()
  await expect(row.getByTestId(`job-${planned.name}`)).toHaveCount(0)
  await expect.poll(async () => (await getJob(request, planned.name)).status).toBe('Unscheduled')
})
