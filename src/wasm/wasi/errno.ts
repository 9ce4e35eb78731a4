/** Thrown inside the host to return an errno to the guest */
export class WasiErrno extends Error {
  constructor (readonly errno: number) {
    super(`errno ${errno}`)
  }
}

export function fail (errno: number): never {
  throw new WasiErrno(errno)
}
