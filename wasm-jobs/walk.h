/* Visit every regular file under a path (a file or a directory), depth
 * first, in the order readdir returns entries (dcx sorts them by name, so
 * the order is the same on every machine). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef void (*visit_fn)(const char *path, void *ctx);

static void walk(const char *path, visit_fn visit, void *ctx) {
  struct stat st;
  if (stat(path, &st) != 0) { perror(path); return; }
  if (!S_ISDIR(st.st_mode)) { visit(path, ctx); return; }
  DIR *d = opendir(path);
  if (!d) { perror(path); return; }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char child[4096];
    snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    walk(child, visit, ctx);
  }
  closedir(d);
}
