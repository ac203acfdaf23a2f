"""What the Jinja2 engine ("jinja2" in TEMPLATES) does to every template it loads.

``Dedent`` drops the indentation at the start of each line of a template's source, before it
is compiled: the markup keeps its line breaks (so the page reads and renders the same: a line
break is white space as the indentation was) and loses the spaces the template is indented
with, which a page of a thousand comments otherwise repeats some 60,000 times. Only the
template's own text is touched, never a value put into it (a comment's <pre> keeps its
spaces); so a template of this engine must not rely on indentation in its own text (no
literal <pre> or <textarea> content).
"""

import re

from jinja2.ext import Extension

INDENTATION = re.compile(r"\n[ \t]+")


class Dedent(Extension):
    def preprocess(self, source, name, filename=None):
        return INDENTATION.sub("\n", source)
