// Writes the example jobs' datasets (fixtures/sales.csv, fixtures/points.csv)
// from a fixed-seed generator: node test/helpers/make-datasets.js
import { writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const FIXTURES = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'fixtures')
let state = 20261125
const rand = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648 }

const regions = ['central', 'east', 'north', 'south', 'west']
const products = ['anchor', 'compass', 'lantern', 'rope', 'sail']
const sales = ['region,product,units,amount']
for (let i = 0; i < 5000; i++) {
  const units = 1 + Math.floor(rand() * 40)
  const cents = Math.floor(rand() * 50000) + 99
  sales.push(`${regions[Math.floor(rand() * 5)]},${products[Math.floor(rand() * 5)]},${units},${(cents / 100).toFixed(2)}`)
}
writeFileSync(join(FIXTURES, 'sales.csv'), sales.join('\n') + '\n')

const centers = [[2, 3], [8, 14], [15, 6]]
const points = ['x,y']
for (let i = 0; i < 3000; i++) {
  const [cx, cy] = centers[i % 3]
  points.push(`${(cx + (rand() - 0.5) * 4).toFixed(4)},${(cy + (rand() - 0.5) * 4 + 0.3 * cx).toFixed(4)}`)
}
writeFileSync(join(FIXTURES, 'points.csv'), points.join('\n') + '\n')
