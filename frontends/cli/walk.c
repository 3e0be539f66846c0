/* walk: PATH operands -> inputs. Directories are walked recursively following
 * symbolic links, names sorted by strcmp (byte order) for determinism. A
 * directory already on the current walk stack (same st_dev, st_ino) is a loop
 * and yields an error input instead of being entered again. Nothing here
 * opens a file for reading, so a fifo never blocks the walk. */
#define _DEFAULT_SOURCE 1 /* struct dirent.d_type */
#define _POSIX_C_SOURCE 200809L
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static const char *const default_includes[] = {"*.md", "*.markdown", "*.rst", "*.txt"};

/* One directory on the current walk stack. */
typedef struct dir_frame {
    dev_t dev;
    ino_t ino;
    const struct dir_frame *parent;
} dir_frame;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int input_list_add(input_list *l, input_kind kind, const char *path, const char *error)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        input *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    input *in = &l->items[l->count];
    in->kind = kind;
    in->path = dup_str(path);
    in->error = error ? dup_str(error) : NULL;
    if (!in->path || (error && !in->error)) {
        free(in->path);
        free(in->error);
        return -1;
    }
    l->count++;
    return 0;
}

void input_list_free(input_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].path);
        free(l->items[i].error);
    }
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

static int matches_any(const char *const *globs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (fnmatch(globs[i], name, 0) == 0)
            return 1;
    return 0;
}

static int excluded(const walk_filter *f, const char *name)
{
    return matches_any(f->excludes, f->n_excludes, name);
}

/* A non-directory found inside a directory: is it one we analyze? */
static int wanted_file(const walk_filter *f, const char *name)
{
    if (excluded(f, name))
        return 0;
    if (f->includes && f->n_includes)
        return matches_any(f->includes, f->n_includes, name);
    return matches_any(default_includes, sizeof default_includes / sizeof default_includes[0], name);
}

static int on_stack(const dir_frame *fr, const struct stat *st)
{
    for (; fr; fr = fr->parent)
        if (fr->dev == st->st_dev && fr->ino == st->st_ino)
            return 1;
    return 0;
}

static int add_errno(input_list *out, const char *path, int err)
{
    return input_list_add(out, INPUT_ERROR, path, strerror(err));
}

static const char *not_file_message(mode_t m)
{
    if (S_ISFIFO(m)) return "not a regular file or directory (fifo)";
    if (S_ISSOCK(m)) return "not a regular file or directory (socket)";
    if (S_ISCHR(m)) return "not a regular file or directory (character device)";
    if (S_ISBLK(m)) return "not a regular file or directory (block device)";
    return "not a regular file or directory";
}

/* A directory entry: its name and the d_type hint (0 when unknown). */
typedef struct dir_entry {
    char *name;
    unsigned char type;
} dir_entry;

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

static unsigned char entry_type(const struct dirent *e)
{
#if defined(DT_REG) && defined(DT_UNKNOWN)
    return e->d_type == DT_REG ? 1 : 0; /* only "surely a regular file" is used */
#else
    (void)e;
    return 0;
#endif
}

/* Reads the entries of a directory (without "." and ".."), sorted by name.
 * Returns 0, or an errno value. */
static int read_entries(const char *path, dir_entry **out, size_t *n_out)
{
    DIR *d = opendir(path);
    if (!d)
        return errno;
    dir_entry *ents = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            err = errno;
            break;
        }
        const char *nm = e->d_name;
        if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
            continue;
        if (n == cap) {
            size_t c = cap ? cap * 2 : 32;
            dir_entry *ne = realloc(ents, c * sizeof *ne);
            if (!ne) {
                err = ENOMEM;
                break;
            }
            ents = ne;
            cap = c;
        }
        if (!(ents[n].name = dup_str(nm))) {
            err = ENOMEM;
            break;
        }
        ents[n].type = entry_type(e);
        n++;
    }
    closedir(d);
    if (err) {
        for (size_t i = 0; i < n; i++)
            free(ents[i].name);
        free(ents);
        return err;
    }
    if (n > 1)
        qsort(ents, n, sizeof *ents, cmp_entries);
    *out = ents;
    *n_out = n;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)slash + nl + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

static int walk_dir(const char *path, const struct stat *st, const dir_frame *parent,
                    const walk_filter *f, input_list *out);

/* One entry of a directory. */
static int walk_entry(const char *path, const dir_entry *ent, const dir_frame *fr,
                      const walk_filter *f, input_list *out)
{
    const char *name = ent->name;
    struct stat st;
    if (ent->type == 1) /* d_type says regular file: no stat needed (reading checks again) */
        return wanted_file(f, name) ? input_list_add(out, INPUT_FILE, path, NULL) : 0;
    if (stat(path, &st) != 0) {
        int err = errno;
        /* A dangling link or a vanished entry: report it only when it would
         * have been analyzed as a file. */
        return wanted_file(f, name) ? add_errno(out, path, err) : 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (excluded(f, name))
            return 0;
        return walk_dir(path, &st, fr, f, out);
    }
    if (!wanted_file(f, name))
        return 0;
    if (S_ISREG(st.st_mode))
        return input_list_add(out, INPUT_FILE, path, NULL);
    return input_list_add(out, INPUT_ERROR, path, not_file_message(st.st_mode));
}

static int walk_dir(const char *path, const struct stat *st, const dir_frame *parent,
                    const walk_filter *f, input_list *out)
{
    if (on_stack(parent, st))
        return input_list_add(out, INPUT_ERROR, path, "directory loop (already being walked)");
    dir_frame fr = {st->st_dev, st->st_ino, parent};

    dir_entry *ents = NULL;
    size_t n = 0;
    int err = read_entries(path, &ents, &n);
    if (err == ENOMEM)
        return -1;
    if (err)
        return add_errno(out, path, err);

    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) {
            char *child = join(path, ents[i].name);
            rc = child ? walk_entry(child, &ents[i], &fr, f, out) : -1;
            free(child);
        }
        free(ents[i].name);
    }
    free(ents);
    return rc;
}

/* One PATH operand other than "-". */
static int walk_operand(const char *path, const walk_filter *f, input_list *out)
{
    struct stat st;
    if (path[0] == '\0')
        return input_list_add(out, INPUT_ERROR, path, strerror(ENOENT));
    if (stat(path, &st) != 0)
        return add_errno(out, path, errno);
    if (S_ISDIR(st.st_mode))
        return walk_dir(path, &st, NULL, f, out);
    if (S_ISREG(st.st_mode))
        return input_list_add(out, INPUT_FILE, path, NULL);
    return input_list_add(out, INPUT_ERROR, path, not_file_message(st.st_mode));
}

/* "-": newline-separated PATHs on stdin; empty lines skipped. */
static int walk_stdin_list(const walk_filter *f, input_list *out)
{
    char *line = NULL;
    size_t cap = 0, len = 0;
    int rc = 0, c;
    for (;;) {
        c = getchar();
        if (c == EOF || c == '\n') {
            if (len > 0) {
                line[len] = '\0';
                rc = walk_operand(line, f, out);
                len = 0;
                if (rc)
                    break;
            }
            if (c == EOF)
                break;
            continue;
        }
        if (len + 1 >= cap) {
            size_t nc = cap ? cap * 2 : 256;
            char *nl = realloc(line, nc);
            if (!nl) {
                rc = -1;
                break;
            }
            line = nl;
            cap = nc;
        }
        line[len++] = (char)c;
    }
    if (rc == 0 && ferror(stdin)) {
        rc = input_list_add(out, INPUT_ERROR, "-", "error reading the list of paths from standard input");
    }
    free(line);
    return rc;
}

int walk_path(const char *path, const walk_filter *f, input_list *out)
{
    int rc = strcmp(path, "-") == 0 ? walk_stdin_list(f, out) : walk_operand(path, f, out);
    if (rc)
        fputs("miair: out of memory while listing the inputs\n", stderr);
    return rc;
}
