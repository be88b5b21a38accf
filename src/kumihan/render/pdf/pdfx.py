"""Finish a reportlab PDF as a print deliverable (PDF/X-1a:2003) or a screen deliverable.

Takes the bytes reportlab wrote and the document's metadata; gives back new
bytes. Open-source reportlab writes no OutputIntent, no PDF/X keys and no
language, so they are added here with pikepdf:

- print: Info (with GTS_PDFXVersion/GTS_PDFXConformance and Trapped /False), an
  OutputIntent naming the registered printing condition, XMP, PDF 1.4 with a
  classic xref table (no object or xref streams), Flate instead of LZW or
  ASCII85, no link annotations (PDF/X forbids annotations inside the bleed).
- screen: Info, XMP, /Lang, DisplayDocTitle, and the outline shown on opening.

Content is not touched: colour, fonts, boxes and transparency are the
renderer's job, and `kumihan.verify.preflight` checks them. Output is
deterministic: the same input bytes and metadata give byte-identical output
(the document ID is a hash of the content, and no clock is read).
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape as html_escape

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String
from reportlab import rl_config

# reportlab's default wraps every stream in ASCII85 as well as Flate: slow to write,
# a quarter bigger, and undone again by `_save`. Flate alone is what both variants keep.
rl_config.useA85 = 0

# Filters `_save` must decode (and re-encode as Flate): reportlab writes none of them
# with useA85 off, so its Flate streams are normally kept exactly as written.
_REENCODE = (b"/ASCII85Decode", b"/LZWDecode", b"/RunLengthDecode", b"/ASCIIHexDecode")

# ISO 15930-4 identifies X-1a:2003 as version "PDF/X-1:2003", conformance level "X-1a".
PDFX_VERSION = "PDF/X-1:2003"
PDFX_CONFORMANCE = "PDF/X-1a:2003"
PDFX_PDF_VERSION = "1.4"
CREATOR = "kumihan"
PRODUCER = "kumihan (ReportLab, pikepdf)"


def _xml_text(text: str) -> str:
    """`text` as XML character data: &, < and > escaped (as xml.sax.saxutils.escape does;
    that module imports urllib.request, 15 ms of every build's start)."""
    return html_escape(text, quote=False)


@dataclass(frozen=True)
class _Meta:
    """What both deliverables say about themselves, in Info and in XMP."""

    title: str
    author: str
    subject: str
    keywords: str
    created: datetime


def finish_print_pdf(
    data: bytes,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    created: datetime,
    output_condition: str = "Japan Color 2001 Coated",
    output_condition_id: str = "JC200103",
    registry: str = "http://www.color.org",
) -> bytes:
    """reportlab PDF bytes → PDF/X-1a:2003 identified bytes (PDF 1.4, OutputIntent, Info, XMP).

    `created` becomes both CreationDate and ModDate; a naive datetime is taken as UTC.
    """
    meta = _Meta(title, author, subject, keywords, created)
    with Pdf.open(io.BytesIO(data)) as pdf:
        _set_info(pdf, meta, print_keys=True)
        intent = _output_intent(pdf, output_condition, output_condition_id, registry)
        pdf.Root.OutputIntents = Array([intent])
        _set_xmp(pdf, _xmp(meta, lang=None, print_keys=True))
        _drop_link_annotations(pdf)
        # A catalog /Version would override the header that force_version writes.
        if "/Version" in pdf.Root:
            del pdf.Root["/Version"]
        return _save(pdf, version=PDFX_PDF_VERSION, object_streams=False, reencode=_reencode(data))


def finish_screen_pdf(
    data: bytes,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    lang: str = "ja",
    created: datetime,
) -> bytes:
    """reportlab PDF bytes → screen PDF bytes with Info, XMP, /Lang and the title shown.

    The outline panel opens with the document when the PDF has bookmarks. Links
    stay; object streams are used (the screen PDF has no version limit).
    """
    meta = _Meta(title, author, subject, keywords, created)
    with Pdf.open(io.BytesIO(data)) as pdf:
        _set_info(pdf, meta, print_keys=False)
        pdf.Root.Lang = String(lang)
        prefs = pdf.Root.get("/ViewerPreferences")
        if not isinstance(prefs, Dictionary):
            prefs = Dictionary()
        prefs.DisplayDocTitle = True
        pdf.Root.ViewerPreferences = prefs
        pdf.Root.PageMode = Name.UseOutlines if _has_outline(pdf) else Name.UseNone
        _set_xmp(pdf, _xmp(meta, lang=lang, print_keys=False))
        return _save(pdf, version="", object_streams=True, reencode=_reencode(data))


def pdf_date(moment: datetime) -> str:
    """A datetime → a PDF date string, D:YYYYMMDDHHmmSS+HH'mm' (naive is taken as UTC)."""
    moment = _aware(moment)
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{mins:02d}'"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _set_info(pdf: Pdf, meta: _Meta, *, print_keys: bool) -> None:
    # Replace reportlab's Info wholesale: it says "anonymous"/"untitled" and its own dates.
    stamp = String(pdf_date(meta.created))
    info = Dictionary(
        Title=String(meta.title),
        Author=String(meta.author),
        Subject=String(meta.subject),
        Keywords=String(meta.keywords),
        Creator=String(CREATOR),
        Producer=String(PRODUCER),
        CreationDate=stamp,
        ModDate=stamp,
    )
    if print_keys:
        # Trapped must be True or False in PDF/X; we do no trapping, the printer may.
        info.Trapped = Name("/False")
        info.GTS_PDFXVersion = String(PDFX_VERSION)
        info.GTS_PDFXConformance = String(PDFX_CONFORMANCE)
    pdf.trailer.Info = pdf.make_indirect(info)


def _output_intent(pdf: Pdf, condition: str, identifier: str, registry: str) -> pikepdf.Object:
    # A registered characterisation (JC200103) needs no embedded DestOutputProfile.
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputCondition=String(condition),
        OutputConditionIdentifier=String(identifier),
        RegistryName=String(registry),
        Info=String(condition),
    )
    return pdf.make_indirect(intent)


def _drop_link_annotations(pdf: Pdf) -> None:
    """Remove /Link annotations: they never print, and PDF/X forbids annotations in the bleed."""
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        kept = [a for a in annots if a.get("/Subtype") != Name.Link]
        if kept:
            page.obj.Annots = Array(kept)
        else:
            del page.obj["/Annots"]


def _has_outline(pdf: Pdf) -> bool:
    outlines = pdf.Root.get("/Outlines")
    return isinstance(outlines, Dictionary) and "/First" in outlines


def _xmp_date(moment: datetime) -> str:
    return _aware(moment).isoformat(timespec="seconds")


def _xmp(meta: _Meta, *, lang: str | None, print_keys: bool) -> bytes:
    """The XMP packet mirroring Info; written by hand so that it is byte-stable."""
    stamp = _xmp_date(meta.created)
    lines = [
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '  <rdf:Description rdf:about=""',
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        + ('\n    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">' if print_keys else ">"),
        "   <dc:format>application/pdf</dc:format>",
        _alt("dc:title", meta.title),
        f"   <dc:creator><rdf:Seq><rdf:li>{_xml_text(meta.author)}</rdf:li></rdf:Seq></dc:creator>",
        _alt("dc:description", meta.subject),
    ]
    if lang:
        lines.append(
            f"   <dc:language><rdf:Bag><rdf:li>{_xml_text(lang)}</rdf:li></rdf:Bag></dc:language>"
        )
    lines += [
        f"   <pdf:Keywords>{_xml_text(meta.keywords)}</pdf:Keywords>",
        f"   <pdf:Producer>{_xml_text(PRODUCER)}</pdf:Producer>",
        f"   <xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>",
        f"   <xmp:CreateDate>{stamp}</xmp:CreateDate>",
        f"   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
        f"   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>",
    ]
    if print_keys:
        lines += [
            "   <pdf:Trapped>False</pdf:Trapped>",
            f"   <pdfx:GTS_PDFXVersion>{PDFX_VERSION}</pdfx:GTS_PDFXVersion>",
            f"   <pdfx:GTS_PDFXConformance>{PDFX_CONFORMANCE}</pdfx:GTS_PDFXConformance>",
        ]
    lines += ["  </rdf:Description>", " </rdf:RDF>", "</x:xmpmeta>", '<?xpacket end="w"?>']
    return "\n".join(lines).encode("utf-8")


def _alt(tag: str, text: str) -> str:
    return f'   <{tag}><rdf:Alt><rdf:li xml:lang="x-default">{_xml_text(text)}</rdf:li></rdf:Alt></{tag}>'


def _set_xmp(pdf: Pdf, packet: bytes) -> None:
    stream = pikepdf.Stream(pdf, packet)
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = stream


def _reencode(data: bytes) -> bool:
    """Does the PDF use a filter other than Flate (and DCT) that the output must not keep?"""
    return any(name in data for name in _REENCODE)


def _tidy_streams(pdf: Pdf) -> None:
    """What qpdf's re-encoding would have done, without decoding anything: a one-filter
    array (reportlab writes ``[/FlateDecode]``) becomes the filter's name, and a stream
    written without a filter (reportlab leaves a few small ones so) is compressed,
    except XMP, which stays readable as PDF/X expects."""
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = obj.get("/Filter")
        if isinstance(filters, Array) and len(filters) == 1 and "/DecodeParms" not in obj:
            obj.Filter = filters[0]
        elif filters is None and obj.get("/Type") != Name.Metadata:
            obj.write(zlib.compress(obj.read_raw_bytes()), filter=Name.FlateDecode)


def _save(pdf: Pdf, *, version: str, object_streams: bool, reencode: bool) -> bytes:
    out = io.BytesIO()
    # With every stream in Flate (or DCT) already, the data is kept as written:
    # qpdf's compress_streams would inflate and deflate each stream again for a
    # gain of 0.01 %, which costs more than all the rest of the finishing. Object
    # streams (screen) are made by qpdf and need it; tidied first, qpdf compresses
    # the object streams only (it inflates and deflates again every stream whose
    # filter is an array, as reportlab writes it: 0.2 s for a 186-page casebook).
    recompress = reencode or object_streams
    if not reencode:
        _tidy_streams(pdf)
    pdf.save(
        out,
        force_version=version,
        # generalized: decode ASCII85/LZW/RunLength and re-encode as Flate; images
        # in DCT stay as they are.
        stream_decode_level=(
            pikepdf.StreamDecodeLevel.generalized if reencode else pikepdf.StreamDecodeLevel.none
        ),
        compress_streams=recompress,
        object_stream_mode=(
            pikepdf.ObjectStreamMode.generate
            if object_streams
            else pikepdf.ObjectStreamMode.disable
        ),
        deterministic_id=True,
        fix_metadata_version=False,
    )
    return out.getvalue()
