"""kumihan: a Japanese publishing toolkit.

Markdown chapters and YAML records go in; the 概略書, 事例集 and 報告書 come out
as editable DOCX and as print-ready (PDF/X-1a) and screen PDFs.
"""

import atexit

from kumihan import dataclass_code

__version__ = "0.1.0"

# before any module of the toolkit makes its dataclasses: their methods' code, kept
dataclass_code.install()
atexit.register(dataclass_code.save)
