/* regress: float-heavy data science on a CSV of numeric columns x,y (header
 * first): an ordinary least squares fit y = a + b*x with r^2, then k-means
 * (k = 3, Lloyd's algorithm, 50 iterations, the first 3 rows as initial
 * centroids) on the (x, y) points. Every double is printed twice: readable
 * (%.6f) and as its exact bits in hex, so any machine's result can be
 * compared bit for bit.
 *   /outputs/model.txt  and stdout: "name value bits"
 * Usage: regress [file] (default /inputs) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(FILE *f, const char *name, double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  fprintf(f, "%s %.6f %016llx\n", name, v, (unsigned long long)bits);
}

int main(int argc, char **argv) {
  FILE *in = fopen(argc > 1 ? argv[1] : "/inputs", "rb");
  if (!in) { perror("input"); return 2; }
  size_t n = 0, cap = 1024;
  double *x = malloc(cap * sizeof(double)), *y = malloc(cap * sizeof(double));
  char line[256];
  if (!fgets(line, sizeof line, in)) { fprintf(stderr, "regress: empty input\n"); return 2; }
  while (fgets(line, sizeof line, in)) {
    char *comma = strchr(line, ',');
    if (!comma) continue;
    if (n == cap) { cap *= 2; x = realloc(x, cap * sizeof(double)); y = realloc(y, cap * sizeof(double)); }
    x[n] = strtod(line, NULL);
    y[n] = strtod(comma + 1, NULL);
    n++;
  }
  if (n < 3) { fprintf(stderr, "regress: need at least 3 rows\n"); return 2; }
  double sx = 0, sy = 0;
  for (size_t i = 0; i < n; i++) { sx += x[i]; sy += y[i]; }
  double mx = sx / n, my = sy / n;
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < n; i++) {
    double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  double b = sxy / sxx, a = my - b * mx;
  double r2 = (sxy * sxy) / (sxx * syy);
  double cx[3] = { x[0], x[1], x[2] }, cy[3] = { y[0], y[1], y[2] };
  size_t count[3];
  for (int it = 0; it < 50; it++) {
    double ax[3] = { 0, 0, 0 }, ay[3] = { 0, 0, 0 };
    count[0] = count[1] = count[2] = 0;
    for (size_t i = 0; i < n; i++) {
      int best = 0;
      double bd = INFINITY;
      for (int k = 0; k < 3; k++) {
        double d = sqrt((x[i] - cx[k]) * (x[i] - cx[k]) + (y[i] - cy[k]) * (y[i] - cy[k]));
        if (d < bd) { bd = d; best = k; }
      }
      ax[best] += x[i]; ay[best] += y[i]; count[best]++;
    }
    for (int k = 0; k < 3; k++) if (count[k] > 0) { cx[k] = ax[k] / count[k]; cy[k] = ay[k] / count[k]; }
  }
  FILE *out = fopen("/outputs/model.txt", "w");
  if (!out) { perror("/outputs/model.txt"); return 2; }
  FILE *outs[2] = { out, stdout };
  for (int o = 0; o < 2; o++) {
    fprintf(outs[o], "rows %zu\n", n);
    put(outs[o], "intercept", a);
    put(outs[o], "slope", b);
    put(outs[o], "r2", r2);
    for (int k = 0; k < 3; k++) {
      char name[32];
      snprintf(name, sizeof name, "centroid%d.x", k); put(outs[o], name, cx[k]);
      snprintf(name, sizeof name, "centroid%d.y", k); put(outs[o], name, cy[k]);
      fprintf(outs[o], "centroid%d.size %zu\n", k, count[k]);
    }
  }
  fclose(out);
  return 0;
}
