#!/usr/bin/env python3
"""Reference implementation ("oracle") of SPEC.md sections 1-5.

Every definition in SPEC.md is stated in terms of Python 3.11 `re` and `str`
semantics, so this file is a literal transcription: each regex is the one in
the spec, each string operation the `str` method it names. Standard library
only.

Usage:
    python3 tools/oracle.py [--last-updated] [--stdin] [PATH...]

    PATH        a file (analyzed whatever its name), or a directory walked
                recursively as docs/cli.md says: symbolic links followed, the
                entries of each directory in byte order of their names, files
                whose name ends in .md .markdown .rst .txt taken, document_id
                = the directory as given + '/' + the relative path.
    -           read a newline-separated list of paths from stdin (empty
                lines skipped, no other trimming).
    --stdin     analyze stdin as one document, document_id "-".
    --last-updated
                the caller's metadata has last_updated (accuracy sub-score 0.9).

Output: JSONL, one record per document in input order (docs/record.md).
An unreadable input yields {"document_id": p, "error": msg} and exit code 1.

Importable: analyze(text, last_updated=False) -> dict (the record without
document_id), analyze_bytes(data, ...) decodes first.
"""

import json
import math
import os
import re
import stat
import sys
from collections import Counter

__all__ = ["analyze", "analyze_bytes", "record", "decode"]

# ---------------------------------------------------------------------------
# §1 text model helpers

HEADER_RE = re.compile(r'^#{1,6}\s+.+', re.MULTILINE)
CODE_BLOCK_RE = re.compile(r'```[\s\S]*?```')
LINK_RE = re.compile(r'\[([^\]]+)\]\(([^)]+)\)')
WORD_RE = re.compile(r'\b\w+\b')
SENT_SPLIT_RE = re.compile(r'[.!?]+')


def decode(data: bytes) -> str:
    return data.decode('utf-8', errors='replace')


def words(t):
    return WORD_RE.findall(t.lower())


def ws_tokens(t):
    return t.split()


def sentences(t):
    out = []
    for s in SENT_SPLIT_RE.split(t):
        s = s.strip()
        if s:
            out.append(s)
    return out


def paragraphs(t):
    out = []
    for p in t.split('\n\n'):
        p = p.strip()
        if p:
            out.append(p)
    return out


def headers(t):
    return HEADER_RE.findall(t)


def code_blocks(t):
    return CODE_BLOCK_RE.findall(t)


def links(t):
    return LINK_RE.findall(t)


def H(counts):
    """Shannon entropy in bits of a Counter/dict, accumulated in insertion
    (first-occurrence) order."""
    n = 0
    for c in counts.values():
        n += c
    if n == 0:
        return 0.0
    h = 0.0
    for c in counts.values():
        p = c / n
        h += -p * math.log2(p)
    return h


def mean(xs):
    return sum(xs) / len(xs)


def pstd(xs):
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


# ---------------------------------------------------------------------------
# §2 entropy statistics

def entropy_stats(text):
    if len(text) == 0:
        return {
            'entropy': {'character': 0, 'word': 0, 'sentence': 0},
            'redundancy': 0,
            'information_density': 0,
            'vocabulary_richness': 0,
            'structural_complexity': 0,
        }
    char_counts = Counter(text)
    ws = words(text)
    word_counts = Counter(ws)
    sent_lengths = Counter(len(ws_tokens(s)) for s in sentences(text))

    hc = H(char_counts)
    hw = H(word_counts)
    hs = H(sent_lengths)
    aggregate = 0.2 * min(hc / 6, 1) + 0.5 * min(hw / 12, 1) + 0.3 * min(hs / 4, 1)

    u = len(char_counts)
    if u <= 1:
        redundancy = 1.0
    else:
        redundancy = clamp(1 - hc / math.log2(u), 0, 1)

    vocab = (len(word_counts) / len(ws)) if ws else 0
    avg_wl = (sum(len(w) for w in ws) / len(ws)) if ws else 0

    return {
        'entropy': {'character': hc, 'word': hw, 'sentence': hs,
                    'aggregate': aggregate},
        'redundancy': redundancy,
        'information_density': aggregate,
        'vocabulary_richness': vocab,
        'structural_complexity': hs / 4,
        'text_length': len(text),
        'word_count': len(ws),
        'unique_words': len(word_counts),
        'average_word_length': avg_wl,
    }


# ---------------------------------------------------------------------------
# §3 quality metrics

TODO_RE = re.compile(r'\b(TODO|FIXME|XXX|HACK)\b', re.IGNORECASE)
PLACEHOLDER_RE = re.compile(r'\[(placeholder|tbd|to be determined)\]', re.IGNORECASE)
COMPLEX_RE = re.compile(r'[^.!?]{150,}[.!?]')
PASSIVE_RE = re.compile(r'\b(was|were|been|being|is|are|am)\s+\w+ed\b', re.IGNORECASE)
LANG_RE = re.compile(r'```(\w+)')
BULLET_RE = re.compile(r'^\s*[-*+]\s+', re.MULTILINE)
SPACES_RE = re.compile(r'  +')
VERSION_RE = re.compile(r'\b(v?\d+\.\d+(?:\.\d+)?)\b', re.IGNORECASE)
YEAR_RE = re.compile(r'\b(202[0-9]|201[5-9])\b')
WARN_RE = re.compile(r'\b(deprecated|warning|note|important)\b', re.IGNORECASE)
BROKEN_LINK_RE = re.compile(r'\[([^\]]+)\]\(\s*\)')

SECTION_WORDS = ('introduction', 'usage', 'example', 'reference')
TERM_GROUPS = (
    ('setup', ('setup', 'set-up', 'set up')),
    ('email', ('email', 'e-mail', 'Email')),
    ('database', ('database', 'db', 'DB')),
    ('api', ('api', 'API', 'Api')),
)
LINK_PREFIXES = ('http://', 'https://', '/', '#', './')
LINK_SUFFIXES = ('.md', '.html', '.pdf')
WEIGHTS = {'completeness': 0.25, 'clarity': 0.25, 'consistency': 0.25,
           'accuracy': 0.25}
DIMENSIONS = ('completeness', 'clarity', 'consistency', 'accuracy')

SUGGESTIONS = {
    'completeness': [
        "Add more sections and examples to improve completeness",
        "Include introduction, usage, and reference sections",
        "Remove TODO markers and placeholder content",
    ],
    'clarity': [
        "Simplify complex sentences for better readability",
        "Use active voice instead of passive voice",
        "Organize content into clear paragraphs (3-5 sentences each)",
    ],
    'consistency': [
        "Standardize terminology throughout the document",
        "Use consistent formatting for code blocks and lists",
        "Ensure header levels follow logical progression",
    ],
    'accuracy': [
        "Add version information and update dates",
        "Verify and fix any broken links",
        "Include warnings for deprecated features",
    ],
}


def header_level(h):
    return len(h) - len(h.lstrip('#'))


def quality(text, last_updated=False):
    """Returns (quality_metrics dict, quality_issues dict)."""
    issues = {d: [] for d in DIMENSIONS}
    subs = {d: [] for d in DIMENSIONS}

    if len(text) == 0:
        scores = {d: 0 for d in DIMENSIONS}
        overall = 0
        issues['completeness'].append("Document is empty")
    else:
        hdrs = headers(text)
        blocks = code_blocks(text)
        lks = links(text)
        toks = ws_tokens(text)
        n_tok = len(toks)
        ws = words(text)

        # completeness
        c = subs['completeness']
        t_count = len(TODO_RE.findall(text))
        p_count = len(PLACEHOLDER_RE.findall(text))
        c.append(min(len(hdrs) / 5, 1))
        c.append(min(len(blocks) / 3, 1))
        c.append(min(len(lks) / 2, 1))
        c.append(max(0, 1 - 0.1 * (t_count + p_count)))
        c.append(min(n_tok / 500, 1))
        low = text.lower()
        c.append(sum(1 for s in SECTION_WORDS if s in low) / 4)
        if t_count > 0:
            issues['completeness'].append(f"Found {t_count} TODO/FIXME markers")
        if p_count > 0:
            issues['completeness'].append(f"Found {p_count} placeholder sections")
        if n_tok < 200:
            issues['completeness'].append(f"Document too short ({n_tok} words)")

        # clarity
        c = subs['clarity']
        sents = sentences(text)
        cplx = len(COMPLEX_RE.findall(text))
        if sents:
            avg_len = mean([len(ws_tokens(s)) for s in sents])
            c.append(max(0, 1 - abs(avg_len - 17.5) / 20))
            c.append(max(0, 1 - 2 * cplx / len(sents)))
        v_count = len(PASSIVE_RE.findall(text))
        c.append(max(0, 1 - 20 * v_count / max(n_tok, 1)))
        paras = paragraphs(text)
        if paras:
            pscores = []
            for para in paras:
                n = sum(1 for s in SENT_SPLIT_RE.split(para) if s.strip())
                if 3 <= n <= 5:
                    pscores.append(1.0)
                elif 2 <= n <= 7:
                    pscores.append(0.7)
                else:
                    pscores.append(0.4)
            c.append(mean(pscores))
        if hdrs:
            c.append(min(mean([len(h.strip('#').strip().split()) for h in hdrs]) / 3, 1))
        if cplx > 0:
            issues['clarity'].append(f"Found {cplx} overly complex sentences")
        ratio = v_count / max(n_tok, 1)
        if ratio > 0.1:
            issues['clarity'].append(f"High passive voice usage ({ratio:.1%})")

        # consistency
        c = subs['consistency']
        wc = Counter(ws)
        group_scores = []
        for _name, variants in TERM_GROUPS:
            counts = [wc.get(v.lower(), 0) for v in variants]
            total = sum(counts)
            if total > 0:
                group_scores.append(max(counts) / total)
        if group_scores:
            c.append(mean(group_scores))
        if blocks:
            langs = LANG_RE.findall(text)
            if langs:
                c.append(len(langs) / len(blocks))
        if hdrs:
            levels = [header_level(h) for h in hdrs]
            jumps = sum(1 for i in range(len(levels) - 1)
                        if levels[i + 1] - levels[i] > 1)
            c.append(max(0, 1 - 0.1 * jumps))
        bullets = BULLET_RE.findall(text)
        if bullets:
            chars = Counter(b.strip()[0] for b in bullets)
            c.append(max(chars.values()) / len(bullets))
        d_count = len(SPACES_RE.findall(text))
        c.append(max(0, 1 - d_count / 100))
        if d_count > 5:
            issues['consistency'].append(f"Inconsistent spacing ({d_count} instances)")

        # accuracy
        c = subs['accuracy']
        m_count = len(VERSION_RE.findall(text))
        c.append(min(m_count / 2, 1))
        years = YEAR_RE.findall(text)
        if years:
            c.append(sum(1 for y in years if int(y) >= 2023) / len(years))
        if blocks:
            bscores = []
            for b in blocks:
                k = sum(1 for a, z in (('(', ')'), ('[', ']'), ('{', '}'))
                        if b.count(a) == b.count(z))
                bscores.append(k / 3)
            c.append(mean(bscores))
        if lks:
            lscores = []
            for _t, url in lks:
                if url.startswith(LINK_PREFIXES) or url.endswith(LINK_SUFFIXES):
                    lscores.append(1.0)
                else:
                    lscores.append(0.5)
            c.append(mean(lscores))
        w_count = len(WARN_RE.findall(text))
        c.append(0.5 + 0.5 * min(w_count / 3, 1))
        if last_updated:
            c.append(0.9)
        b_count = len(BROKEN_LINK_RE.findall(text))
        if b_count > 0:
            issues['accuracy'].append(f"Found {b_count} potentially broken links")

        scores = {d: mean(subs[d]) for d in DIMENSIONS}
        wsum = sum(WEIGHTS.values())
        weights = WEIGHTS
        if abs(wsum - 1.0) > 0.001:
            weights = {k: v / wsum for k, v in WEIGHTS.items()}
        overall = sum(scores[d] * weights[d] for d in DIMENSIONS)

    suggestions = []
    for d in DIMENSIONS:
        if scores[d] < 0.7:
            suggestions.extend(SUGGESTIONS[d])
    if overall >= 0.85:
        suggestions.append("Document quality is excellent! Minor refinements may still be possible")
    elif overall < 0.5:
        suggestions.insert(0, "Major revision recommended - document needs significant improvement")

    metrics = {
        'completeness': scores['completeness'],
        'clarity': scores['clarity'],
        'consistency': scores['consistency'],
        'accuracy': scores['accuracy'],
        'overall': overall,
        'passes_gate': overall >= 0.85,
        'sub_scores': subs,
        'suggestions': suggestions,
    }
    return metrics, issues


# ---------------------------------------------------------------------------
# §4 patterns

# (type, name, rule, caseless, severity, priority, description, action);
# rule None = custom check.
RULES = [
    ('structural', 'missing_introduction', None, False, 0.8, 1,
     'Document lacks proper introduction', 'Add comprehensive introduction section'),
    ('structural', 'unbalanced_sections', None, False, 0.6, 3,
     'Section lengths are highly imbalanced', 'Balance content across sections'),
    ('structural', 'no_conclusion', None, False, 0.5, 3,
     'Missing conclusion or summary', 'Add conclusion summarizing key points'),
    ('linguistic', 'passive_voice_overuse',
     r'\b(was|were|been|being|is|are|am)\s+\w+ed\b', True, 0.4, 4,
     'Excessive use of passive voice', 'Convert to active voice for clarity'),
    ('linguistic', 'complex_sentences', r'[^.!?]{150,}[.!?]', False, 0.6, 2,
     'Overly complex sentences', 'Break into shorter, clearer sentences'),
    ('linguistic', 'redundant_phrases',
     r'\b(in order to|at this point in time|due to the fact that|in the event that)\b',
     True, 0.3, 5, 'Redundant or wordy phrases', 'Simplify to concise expressions'),
    ('technical', 'undefined_acronyms', r'\b[A-Z]{2,}(?![a-z])\b', False, 0.7, 2,
     'Undefined acronyms or abbreviations', 'Define acronyms on first use'),
    ('technical', 'missing_code_examples', None, False, 0.6, 2,
     'Technical concepts without code examples', 'Add illustrative code examples'),
    ('technical', 'outdated_references', r'\b(deprecated|obsolete|outdated|legacy)\b',
     True, 0.8, 1, 'References to outdated technology', 'Update to current best practices'),
    ('formatting', 'inconsistent_headers', None, False, 0.4, 4,
     'Inconsistent header formatting', 'Standardize header formatting'),
    ('formatting', 'missing_lists', r'(?:First|Second|Third|1\)|2\)|3\))', False, 0.3, 5,
     'Sequential items not in list format', 'Convert to proper list formatting'),
    ('formatting', 'code_without_language', r'```\n[^`]', False, 0.5, 3,
     'Code blocks without language specification', 'Add language identifiers to code blocks'),
    ('semantic', 'vague_language', r'\b(some|many|various|certain|several)\b', True, 0.4, 4,
     'Vague quantifiers without specifics', 'Replace with specific quantities or examples'),
    ('semantic', 'missing_context', r'\b(this|that|these|those)\b(?!\s+\w+)', False, 0.5, 3,
     'Unclear references lacking context', 'Add explicit context to references'),
    ('semantic', 'assumption_language',
     r'\b(obviously|clearly|simply|just|everyone knows)\b', True, 0.6, 2,
     'Assumptions about reader knowledge', 'Remove assumptions, provide context'),
]

COMPILED = {}
for _r in RULES:
    if _r[2] is not None:
        _flags = re.MULTILINE | (re.IGNORECASE if _r[3] else 0)
        COMPILED[_r[1]] = re.compile(_r[2], _flags)

SECTION_SPLIT_RE = re.compile(r'^#{1,3}\s+', re.MULTILINE)
HEADER_TITLE_RE = re.compile(r'^(#{1,6})\s+(.+)$', re.MULTILINE)


def _custom(name, text, low):
    """Returns an occurrence dict or None."""
    if name == 'missing_introduction':
        head = low[:500]
        if any(k in head for k in ('introduction', 'overview', 'getting started', 'about')):
            return None
        return {'text': 'Missing introduction section', 'start': 0, 'end': 0, 'line': 1}
    if name == 'unbalanced_sections':
        pieces = SECTION_SPLIT_RE.split(text)
        if len(pieces) > 2:
            lengths = [len(p) for p in pieces[1:]]
            avg = mean(lengths)
            std = pstd(lengths)
            if std > 0.7 * avg:
                return {'text': f"Section imbalance detected (std: {std:.0f}, avg: {avg:.0f})",
                        'start': 0, 'end': 0, 'line': 1}
        return None
    if name == 'no_conclusion':
        tail = low[-1000:]
        if any(k in tail for k in ('conclusion', 'summary', 'recap', 'final thoughts')):
            return None
        return {'text': 'Missing conclusion or summary', 'start': len(text) - 1,
                'end': len(text), 'line': text.count('\n')}
    if name == 'missing_code_examples':
        if any(k in low for k in ('function', 'method', 'class', 'api', 'code',
                                  'implementation')) and '```' not in text:
            return {'text': 'Technical documentation without code examples',
                    'start': 0, 'end': 0, 'line': 1}
        return None
    if name == 'inconsistent_headers':
        ratios = []
        for _hashes, title in HEADER_TITLE_RE.findall(text):
            if title[0].isupper():
                ws = title.split()
                if ws:
                    ratios.append(sum(1 for w in ws if w[0].isupper()) / len(ws))
        if ratios and pstd(ratios) > 0.3:
            return {'text': 'Inconsistent header capitalization', 'start': 0, 'end': 0,
                    'line': 1}
        return None
    raise ValueError(name)


def find_patterns(text):
    if len(text) == 0:
        return []
    low = text.lower()
    out = []
    for typ, name, rule, _caseless, sev, prio, desc, action in RULES:
        if rule is None:
            occ = _custom(name, text, low)
            occs = [occ] if occ is not None else []
        else:
            occs = []
            pos = 0
            line = 1
            for m in COMPILED[name].finditer(text):
                s = m.start()
                line += text.count('\n', pos, s)  # matches come in order
                pos = s
                occs.append({'text': m.group(0), 'start': s, 'end': m.end(),
                             'line': line})
        if occs:
            out.append({'type': typ, 'name': name, 'severity': sev, 'priority': prio,
                        'description': desc, 'action': action, 'occurrences': occs})
    return out


def patterns_summary(patterns, text):
    if not patterns:
        return {'total_patterns': 0, 'high_priority': 0, 'by_type': {},
                'overall_severity': 0}
    by_type = {}
    for p in patterns:
        by_type[p['type']] = by_type.get(p['type'], 0) + 1
    total = len(patterns)
    return {
        'total_patterns': total,
        'high_priority': sum(1 for p in patterns if p['priority'] <= 2),
        'by_type': by_type,
        'overall_severity': mean([p['severity'] for p in patterns]),
        'document_length': len(text),
        'pattern_density': total / len(text) * 1000,
    }


def improvement_map(patterns):
    out = {}
    for p in sorted(patterns, key=lambda p: p['priority']):
        out.setdefault(f"priority_{p['priority']}", []).append({
            'pattern': p['name'], 'action': p['action'], 'severity': p['severity'],
            'occurrences': len(p['occurrences'])})
    return out


def insights(patterns):
    if not patterns:
        return ["Document shows good quality with minimal improvement patterns"]
    out = []
    by_type = {}
    for p in patterns:
        by_type[p['type']] = by_type.get(p['type'], 0) + 1
    primary = None
    for t, n in by_type.items():
        if primary is None or n > by_type[primary]:
            primary = t
    out.append(f"Primary improvement area: {primary} patterns")
    k = sum(1 for p in patterns if p['severity'] >= 0.7)
    if k > 0:
        out.append(f"Found {k} high-severity issues requiring immediate attention")
    if len(patterns) > 5:
        lines = [o['line'] for p in patterns for o in p['occurrences']]
        if pstd(lines) < 0.5 * mean(lines):
            out.append("Patterns are concentrated in specific document sections")
        else:
            out.append("Patterns are distributed throughout the document")
    return out


# ---------------------------------------------------------------------------
# §5 engine record

def analyze(text: str, last_updated: bool = False) -> dict:
    """The full record for one document's text, without document_id."""
    es = entropy_stats(text)
    qm, issues = quality(text, last_updated)
    pats = find_patterns(text)
    if len(text) == 0:
        summary = {}
        imap = {}
        ins = []
    else:
        summary = patterns_summary(pats, text)
        imap = improvement_map(pats)
        ins = insights(pats)

    q = clamp((0.85 - qm['overall']) / 0.85, 0, 1)
    s = mean([p['severity'] for p in pats]) if pats else 0
    e = min(2 * abs(es['information_density'] - 0.6), 1)
    potential = clamp(0.5 * q + 0.3 * s + 0.2 * e, 0, 1)

    recs = list(qm['suggestions'][:3])
    for p in [p for p in pats if p['priority'] <= 2][:2]:
        recs.append(f"{p['action']} ({p['name']})")
    if es['redundancy'] > 0.7:
        recs.append("Reduce redundancy by consolidating repetitive content")
    elif es['redundancy'] < 0.2:
        recs.append("Add more structure and patterns for better readability")
    if es['vocabulary_richness'] < 0.3:
        recs.append("Enrich vocabulary to improve content diversity")
    recs = recs[:5]

    preview = text[:200] + "..." if len(text) > 200 else text

    return {
        'content_preview': preview,
        'entropy_stats': es,
        'quality_metrics': qm,
        'patterns_summary': summary,
        'improvement_potential': potential,
        'recommendations': recs,
        'patterns': pats,
        'improvement_map': imap,
        'insights': ins,
        'quality_issues': issues,
    }


def analyze_bytes(data: bytes, last_updated: bool = False) -> dict:
    return analyze(decode(data), last_updated)


def record(document_id, text, last_updated=False):
    rec = {'document_id': document_id}
    rec.update(analyze(text, last_updated))
    return rec


# ---------------------------------------------------------------------------
# CLI

EXTENSIONS = ('.md', '.markdown', '.rst', '.txt')


def _include(name):
    return name.endswith(EXTENSIONS)


_KINDS = ((stat.S_ISFIFO, 'fifo'), (stat.S_ISSOCK, 'socket'),
          (stat.S_ISCHR, 'character device'), (stat.S_ISBLK, 'block device'))


def _kind(mode):
    for test, name in _KINDS:
        if test(mode):
            return name
    return 'unknown'


def _walk(dir_id, stack, out):
    try:
        names = os.listdir(dir_id)
    except OSError as exc:
        out.append((dir_id, exc.strerror or str(exc)))
        return
    names.sort(key=os.fsencode)  # strcmp order of the byte names
    for name in names:
        p = dir_id + name if dir_id.endswith('/') else dir_id + '/' + name
        try:
            st = os.stat(p)  # follows symbolic links
        except OSError as exc:  # dangling link, permission
            if _include(name):
                out.append((p, exc.strerror or str(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in stack:
                out.append((p, 'directory loop (already being walked)'))
                continue
            _walk(p, stack + [key], out)
        elif stat.S_ISREG(st.st_mode):
            if _include(name):
                out.append((p, None))
        elif _include(name):
            out.append((p, f'not a regular file or directory ({_kind(st.st_mode)})'))


def expand(path):
    """PATH operand -> [(document_id, error or None)], as docs/cli.md walks:
    a file is itself (whatever its name); a directory is walked recursively,
    following symbolic links, each directory's entries in byte order of their
    names, files kept when the base name ends in .md .markdown .rst .txt;
    document_id = directory as given + '/' + relative path."""
    try:
        st = os.stat(path)
    except OSError:
        return [(path, None)]  # the read reports the error
    if stat.S_ISDIR(st.st_mode):
        out = []
        _walk(path, [(st.st_dev, st.st_ino)], out)
        return out
    if not stat.S_ISREG(st.st_mode):
        return [(path, f'not a regular file or directory ({_kind(st.st_mode)})')]
    return [(path, None)]


def _emit(out, rec):
    out.write(json.dumps(rec, ensure_ascii=False).encode('utf-8', 'surrogateescape'))
    out.write(b'\n')


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    last_updated = False
    use_stdin = False
    inputs = []
    only_paths = False
    for a in argv:
        if not only_paths and a == '--':
            only_paths = True
        elif not only_paths and a == '--last-updated':
            last_updated = True
        elif not only_paths and a == '--stdin':
            use_stdin = True
        elif not only_paths and a in ('-h', '--help'):
            sys.stdout.write(__doc__)
            return 0
        elif not only_paths and a.startswith('--'):
            sys.stderr.write(f"oracle.py: unknown option {a}\n")
            return 2
        else:
            inputs.append(a)

    out = sys.stdout.buffer
    status = 0
    if use_stdin:
        _emit(out, record('-', decode(sys.stdin.buffer.read()), last_updated))

    paths = []
    for a in inputs:
        if a == '-':
            data = sys.stdin.buffer.read().decode('utf-8', 'surrogateescape')
            for line in data.split('\n'):
                if line:
                    paths.extend(expand(line))
        else:
            paths.extend(expand(a))

    for p, err in paths:
        if err is None:
            try:
                with open(p, 'rb') as f:
                    data = f.read()
            except OSError as exc:
                err = exc.strerror or str(exc)
        if err is not None:
            _emit(out, {'document_id': p, 'error': err})
            status = 1
            continue
        _emit(out, record(p, decode(data), last_updated))
    out.flush()
    return status


if __name__ == '__main__':
    sys.exit(main())
