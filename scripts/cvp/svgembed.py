"""NAME    svgembed.py
PURPOSE An SVG file gnuplot wrote, made fit to sit inside an HTML page beside others: without its
        XML prolog, doctype and comments, with every id (and every reference to one) prefixed by
        the plot's name, so that two plots' 'gpPt0' markers or 'gnuplot_canvas' groups cannot
        clash, and with a title that names the plot instead of "Gnuplot".
"""
import html
import re

# An id is declared as id='x' or id="x" and referred to as href / xlink:href '#x' or url(#x).
_ID = re.compile(r"""\bid=(['"])([^'"]+)\1""")
_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)


def prefix_ids(svg, prefix):
    """Every id and every reference to it, as '<prefix>-<id>'."""
    ids = {m.group(2) for m in _ID.finditer(svg)}
    if not ids:
        return svg
    svg = _ID.sub(lambda m: f"id={m.group(1)}{prefix}-{m.group(2)}{m.group(1)}", svg)
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    # A reference ends at its quote or closing parenthesis; the longest names are tried first so
    # that '#gpPt1' never matches inside '#gpPt10'.
    ref = re.compile(r"""(href=(['"])#)(""" + names + r""")(?=\2)|(url\(#)(""" + names +
                     r""")(?=\))""")

    def repl(m):
        if m.group(1):
            return f"{m.group(1)}{prefix}-{m.group(3)}"
        return f"{m.group(4)}{prefix}-{m.group(5)}"
    return ref.sub(repl, svg)


def inline(path, prefix, title):
    """The file's <svg> element as a string ready to embed, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            svg = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    svg = _PROLOG.sub("", svg).strip()
    start = svg.find("<svg")
    if start < 0:
        return None
    svg = prefix_ids(svg[start:], prefix)
    svg = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", svg, count=1,
                 flags=re.S)
    return svg.replace("<svg", f'<svg class="plot" role="img" aria-label="{html.escape(title)}"',
                       1)
