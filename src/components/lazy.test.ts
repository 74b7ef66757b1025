// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { mountWithApp } from 'src/testing/mountWithApp'
import { lazyComponent } from './lazy'

const Greeting = defineComponent({
  props: { name: { type: String, required: true } },
  emits: ['wave'],
  setup(props, { emit, slots }) {
    return () =>
      h('button', { 'data-testid': 'greeting', onClick: () => emit('wave', props.name) }, [
        `Bonjour ${props.name}`,
        slots.default?.(),
      ])
  },
})

/** The message drawn where the component stands rather than teleported to the page's end. */
const inPlace = { global: { stubs: { teleport: true } } }

/** A loader that fails its first `failures` calls, as a fetch without network does. */
function flaky(failures: number) {
  let calls = 0
  const loader = () => {
    calls++
    return calls <= failures
      ? Promise.reject(new TypeError('Failed to fetch dynamically imported module: /ops/assets/Greeting-x.js'))
      : Promise.resolve(Greeting)
  }
  return { loader, calls: () => calls }
}

describe('lazyComponent', () => {
  it('shows the component with its props, events and slots once its code is there', async () => {
    const Lazy = lazyComponent(flaky(0).loader)
    const waves: string[] = []
    const wrapper = mountWithApp(() => h(Lazy, { name: 'Anne', onWave: (n: string) => waves.push(n) }, () => ' !'))
    await flushPromises()
    expect(wrapper.find('[data-testid="greeting"]').text()).toBe('Bonjour Anne !')
    await wrapper.find('[data-testid="greeting"]').trigger('click')
    expect(waves).toEqual(['Anne'])
    expect(wrapper.find('[data-testid="load-failed"]').exists()).toBe(false)
  })

  it('says in its place that the code could not be loaded, and how to get it back', async () => {
    const { loader, calls } = flaky(1)
    const Lazy = lazyComponent(loader)
    const wrapper = mountWithApp(() => h(Lazy, { name: 'Luc' }), inPlace)
    await flushPromises()
    const alert = wrapper.find('[data-testid="load-failed"]')
    expect(calls()).toBe(1)
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('n’a pas pu être chargée')
    expect(alert.text()).toContain('rechargez la page')
    expect(alert.findAll('button').map((b) => b.text())).toEqual(['Fermer', 'Recharger la page'])
    expect(wrapper.find('[data-testid="greeting"]').exists()).toBe(false)

    // A user who carries on without that part puts the message away.
    await alert.findAll('button')[0].trigger('click')
    expect(wrapper.find('[data-testid="load-failed"]').exists()).toBe(false)
    expect(calls()).toBe(1)
  })

  it('speaks English to an English session', async () => {
    const Lazy = lazyComponent(flaky(1).loader)
    const wrapper = mountWithApp(() => h(Lazy, { name: 'Kim' }), { ...inPlace, locale: 'en' })
    await flushPromises()
    const alert = wrapper.find('[data-testid="load-failed"]')
    expect(alert.text()).toContain('could not be loaded')
    expect(alert.findAll('button').map((b) => b.text())).toEqual(['Close', 'Reload the page'])
  })
})
