/* walk: turns the PATH operands into the ordered list of inputs (files to
 * read, or inputs already known to have failed), walking directories. */
#ifndef MIAIR_CLI_WALK_H
#define MIAIR_CLI_WALK_H

#include <stddef.h>

typedef enum input_kind {
    INPUT_FILE,  /* a path to read */
    INPUT_STDIN, /* the --stdin document */
    INPUT_ERROR  /* failed while walking; error holds the message */
} input_kind;

typedef struct input {
    input_kind kind;
    char *path;  /* the document_id: the path as given or joined */
    char *error; /* INPUT_ERROR only */
} input;

typedef struct input_list {
    input *items;
    size_t count, cap;
} input_list;

/* Which files found inside directories are analyzed. */
typedef struct walk_filter {
    const char *const *includes; /* NULL or n_includes == 0: the default set */
    size_t n_includes;
    const char *const *excludes;
    size_t n_excludes;
} walk_filter;

/* Appends the inputs one PATH operand yields: the file itself, the files of a
 * directory tree, or an error. "-" reads a list of PATHs from stdin. Returns 0,
 * or -1 when memory ran out (message printed). */
int walk_path(const char *path, const walk_filter *f, input_list *out);
/* Appends one input of the given kind. Returns 0, or -1 on allocation failure. */
int input_list_add(input_list *l, input_kind kind, const char *path, const char *error);
void input_list_free(input_list *l);

#endif
