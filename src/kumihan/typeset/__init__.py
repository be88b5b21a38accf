"""Japanese line composition (JLREQ / JIS X 4051), independent of any output format.

`fonts.FontBook` gives glyph coverage and advance widths from the TrueType files;
`compose.compose` turns styled text into justified lines of positioned runs; the
PDF renderer draws those runs and the fit transform measures with them.
"""
