/**
 * Every screen opens inside the main layout (src/router.ts), so whatever the layout imports
 * statically is loaded before any screen, whichever it is. The bundler does not know that order:
 * it splits those modules by which other screens also use them (one file for the layout and the
 * board, another for the layout and the customers, …), each one more request before the first
 * screen. This group puts the layout and everything it imports statically in the layout's one
 * file; a screen that shares some of it imports that file, already loaded.
 */

interface ModuleGraph {
  getModuleInfo(id: string): { importedIds: readonly string[] } | null
}

/** A code-splitting group's `name`: `chunk` for the modules `layout` reaches statically, else none. */
export function layoutGroup(layout: string, chunk: string): (id: string, graph: ModuleGraph) => string | null {
  let reached: Set<string> | undefined
  return (id, graph) => {
    if (!reached) {
      reached = new Set()
      const next = [layout]
      while (next.length > 0) {
        const module = next.pop()!
        if (reached.has(module)) continue
        reached.add(module)
        next.push(...(graph.getModuleInfo(module)?.importedIds ?? []))
      }
    }
    return reached.has(id) ? chunk : null
  }
}
