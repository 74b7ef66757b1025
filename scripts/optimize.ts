/**
 * npm run optimize -- FILE.txt [--seconds N] [--seed S]: solves one instance in Solomon's text
 * format and prints the routes (customer numbers in visiting order) as JSON.
 */
import { readFileSync } from 'node:fs'
import { parseSolomon, solomonToProblem } from '../server/optimizer/solomon'
import { solve } from '../server/optimizer/solver'

function usage(message: string): never {
  console.error(`${message}\nUsage: npm run optimize -- FILE.txt [--seconds N] [--seed S]`)
  process.exit(2)
}

const args = process.argv.slice(2)
let file: string | undefined
let seconds = 5
let seed = 1
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === '--seconds' || arg === '--seed') {
    const value = Number(args[++i])
    if (!Number.isFinite(value) || value <= 0) usage(`${arg} needs a positive number.`)
    if (arg === '--seconds') seconds = value
    else seed = Math.floor(value)
  } else if (arg.startsWith('--')) usage(`Unknown option ${arg}.`)
  else if (file === undefined) file = arg
  else usage(`One instance file at a time (got ${file} and ${arg}).`)
}
if (file === undefined) usage('Which instance file?')

let text: string
try {
  text = readFileSync(file, 'utf8')
} catch (error) {
  console.error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
try {
  const instance = parseSolomon(text)
  const solution = solve(solomonToProblem(instance), { timeBudgetMs: seconds * 1000, seed })
  const routes = solution.routes.map((r) => r.steps.filter((s) => s.type === 'job').map((s) => Number(s.id)))
  const result = {
    routes,
    distance: solution.summary.distance,
    vehicles: routes.length,
    unassigned: solution.unassigned.map((u) => Number(u.id)),
  }
  console.log(JSON.stringify(result))
} catch (error) {
  console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
