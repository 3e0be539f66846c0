/* run: one document at a time, in input order. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <unistd.h>

#include "readfile.h"

/* Reads, analyzes and writes the record of one input. */
static int run_one(const miair_engine *e, const input *in, uint64_t max_bytes, doc_buf *buf,
                   out_sink *sink)
{
    char err[256];
    int rc;
    if (in->kind == INPUT_ERROR)
        return out_error(sink, in->path, in->error);
    if (in->kind == INPUT_STDIN)
        rc = read_fd(STDIN_FILENO, max_bytes, buf, err, sizeof err);
    else
        rc = read_file(in->path, max_bytes, buf, err, sizeof err);
    if (rc != 0)
        return out_error(sink, in->path, err);

    miair_result *r = NULL;
    miair_status st = miair_analyze(e, buf->data, buf->len, &r);
    if (st != MIAIR_OK)
        return out_error(sink, in->path, miair_status_message(st));
    rc = out_result(sink, in->path, r, buf->len);
    miair_result_free(r);
    return rc;
}

int run_inputs(const miair_engine *e, const input_list *inputs, uint64_t max_bytes, out_sink *sink)
{
    doc_buf buf = {0};
    int rc = 0;
    for (size_t i = 0; i < inputs->count && rc == 0; i++) {
        rc = run_one(e, &inputs->items[i], max_bytes, &buf, sink);
        doc_buf_trim(&buf);
    }
    doc_buf_free(&buf);
    return rc;
}
