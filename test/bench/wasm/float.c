/* Float workload for the rewrite-overhead benchmark: the n-body simulation
 * (sqrt and division in the inner loop) and a dense matrix multiply, in
 * double precision. Prints results so both runs can be compared. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 5
typedef struct { double x, y, z, vx, vy, vz, m; } body;
static body bodies[N] = {
  {0, 0, 0, 0, 0, 0, 39.47841760435743},
  {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 6.06326392995832e-01, 2.81198684491626e+00, -2.52183616598876e-02, 3.7693674870389486e-02},
  {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -1.01077434617879e+00, 1.82566237123041e+00, 8.41576137658415e-03, 1.1286326131968767e-02},
  {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 1.08279100644154e+00, 8.68713018169608e-01, -1.01086317913841e-02, 1.7237240570597112e-03},
  {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 9.79090732243898e-01, 5.94698998647676e-01, -3.47559555040781e-02, 2.0336868699246304e-03}};

static void advance(double dt) {
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++) {
      double dx = bodies[i].x - bodies[j].x, dy = bodies[i].y - bodies[j].y, dz = bodies[i].z - bodies[j].z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      bodies[i].vx -= dx * bodies[j].m * mag; bodies[i].vy -= dy * bodies[j].m * mag; bodies[i].vz -= dz * bodies[j].m * mag;
      bodies[j].vx += dx * bodies[i].m * mag; bodies[j].vy += dy * bodies[i].m * mag; bodies[j].vz += dz * bodies[i].m * mag;
    }
  for (int i = 0; i < N; i++) { bodies[i].x += dt * bodies[i].vx; bodies[i].y += dt * bodies[i].vy; bodies[i].z += dt * bodies[i].vz; }
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < N; i++) {
    e += 0.5 * bodies[i].m * (bodies[i].vx * bodies[i].vx + bodies[i].vy * bodies[i].vy + bodies[i].vz * bodies[i].vz);
    for (int j = i + 1; j < N; j++) {
      double dx = bodies[i].x - bodies[j].x, dy = bodies[i].y - bodies[j].y, dz = bodies[i].z - bodies[j].z;
      e -= bodies[i].m * bodies[j].m / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

#define M 200
static double a[M][M], b[M][M], c[M][M];

int main(void) {
  printf("%.9f\n", energy());
  for (int i = 0; i < 5000000; i++) advance(0.01);
  printf("%.9f\n", energy());
  for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) { a[i][j] = (i * 7 + j) % 13 / 3.0; b[i][j] = (i + j * 5) % 11 / 7.0; }
  for (int r = 0; r < 3; r++)
    for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) {
      double s = 0;
      for (int k = 0; k < M; k++) s += a[i][k] * b[k][j];
      c[i][j] = s + c[i][j] * 0.5;
    }
  double t = 0;
  for (int i = 0; i < M; i++) t += c[i][i];
  printf("%.6f\n", t);
  return 0;
}
