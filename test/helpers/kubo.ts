/*
 * Reading the Kubo JSON that the Kubo-mirroring commands print (one value
 * a line, Kubo's field names), for tests that want the plain facts in it.
 */

/** Each line of stdout, parsed */
export function jsonLines (stdout: string): any[] {
  return stdout.split('\n').filter(l => l !== '').map(l => JSON.parse(l))
}

/** `ls --json`: the links of the one object listed */
export function lsLinks (stdout: string): Array<{ name: string, cid: string, size: string, type: number }> {
  return jsonLines(stdout)[0].Objects[0].Links.map((l: any) => ({ name: l.Name, cid: l.Hash, size: String(l.Size), type: l.Type }))
}

/** `repo gc --json`: the CIDs removed */
export function gcRemoved (stdout: string): string[] {
  return jsonLines(stdout).map(v => v.Key['/'])
}

/** `dag import --json --stats`: the roots (pinned or not) and the count of blocks */
export function importResult (stdout: string): { roots: Array<{ cid: string, pinned: boolean }>, blocks?: number } {
  const lines = jsonLines(stdout)
  return {
    roots: lines.filter(v => v.Root !== undefined).map(v => ({ cid: v.Root.Cid['/'], pinned: v.Root.PinErrorMsg === '' })),
    blocks: lines.find(v => v.Stats !== undefined)?.Stats.BlockCount
  }
}
