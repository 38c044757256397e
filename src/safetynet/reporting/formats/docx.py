"""The report as DOCX: an editable Word document laid out like the PDF (cover, contents, one section a
page, tables with their notes, drawings, notes) and written with python-docx.

Every style names Noto Sans CJK TC for Latin and East Asian text alike, or Word would substitute its
own CJK font. Tables are native Word tables whose header row repeats on every page. Charts and the
map are pictures: all the document's SVG drawings are laid out in one WeasyPrint pass, one page a
drawing, and the pages rasterized to PNG with pdfium. Nothing is fetched.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from safetynet.reporting.document import Block, Cell, Chart, Document, Figure, Notes, Table, printed
from safetynet.reporting.formats.pdf import no_fetch

FONT = "Noto Sans CJK TC"
PICTURE_WIDTH = Cm(16)
PICTURE_HEIGHT = Cm(22)  # the most a drawing may take of the page's 25.7 cm
SCALE = 2 * 96 / 72  # pdfium renders 72 dpi at scale 1: two pixels a CSS pixel
HEADER_FILL, TOTAL_FILL, GREY = "E4E7EB", "F5F7FA", RGBColor(0x52, 0x60, 0x6D)


def _length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*", value or "")
    return float(match.group(1)) if match else None


def size(svg: str) -> tuple[float, float]:
    """The drawing's size in CSS pixels, from its root's width and height or else its viewBox."""
    root = re.search(r"<svg\b[^>]*>", svg)
    tag = root.group(0) if root else ""

    def attribute(name: str) -> str | None:
        found = re.search(rf"(?<![\w:-]){name}\s*=\s*(['\"])(.*?)\1", tag)
        return found.group(2) if found else None

    box = [float(n) for n in re.split(r"[\s,]+", (attribute("viewBox") or "").strip()) if n]
    width, height = _length(attribute("width")), _length(attribute("height"))
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        width = width or (height * box[2] / box[3] if height else box[2])
        height = height or width * box[3] / box[2]
    return (width or 600.0, height or 400.0)


def rasterize(svgs: list[str]) -> list[bytes]:
    """The drawings as PNG images, in order, from one WeasyPrint layout of one page a drawing."""
    if not svgs:
        return []
    import pypdfium2 as pdfium
    from weasyprint import HTML

    sizes = [size(svg) for svg in svgs]
    names = {s: f"d{i}" for i, s in enumerate(dict.fromkeys(sizes))}
    pages = "".join(f"@page {names[(w, h)]} {{ size: {w:g}px {h:g}px; margin: 0 }}\n" for w, h in names)
    divs = "".join(
        f'<div style="page: {names[(w, h)]}; width: {w:g}px; height: {h:g}px">{svg}</div>'
        for svg, (w, h) in zip(svgs, sizes, strict=True)
    )
    html = (
        '<!DOCTYPE html><html lang="zh-Hant-TW"><head><meta charset="utf-8"><style>'
        f"{pages}html {{ font-family: '{FONT}', sans-serif; }} body {{ margin: 0 }}"
        " div { overflow: hidden; break-inside: avoid } div + div { break-before: page }"
        " svg { display: block; width: 100%; height: 100% }"
        f"</style></head><body>{divs}</body></html>"
    )
    pdf = pdfium.PdfDocument(HTML(string=html, url_fetcher=no_fetch).write_pdf())
    try:
        if len(pdf) != len(svgs):
            raise RuntimeError(f"{len(svgs)} drawings laid out on {len(pdf)} pages")
        images = []
        for page in pdf:
            stream = io.BytesIO()
            page.render(scale=SCALE).to_pil().save(stream, format="PNG")
            images.append(stream.getvalue())
        return images
    finally:
        pdf.close()


def _font(style: Any, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.element.rPr.rFonts.set(qn("w:cs"), FONT)


def _styles(doc: Any) -> Any:
    """Sets the fonts of the styles the report uses; returns the tables' paragraph style."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # the defaults' and every style's
        for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(name), None)
        for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(name), FONT)
    normal = doc.styles["Normal"]
    _font(normal, 10)
    lang = normal.element.rPr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        normal.element.rPr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-TW")
    for name, points in (("Title", 24), ("Heading 1", 15), ("Heading 2", 11.5), ("List Bullet", None)):
        style = doc.styles[name]
        _font(style, points, bold=True if name != "List Bullet" else None)
        if name != "List Bullet":
            style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    for border in doc.styles["Title"].element.iter(qn("w:pBdr")):  # the template's blue rule
        border.getparent().remove(border)
    cells = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = normal
    _font(cells, 9)
    cells.paragraph_format.space_before = cells.paragraph_format.space_after = Pt(0)
    return cells


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _row(row: Any, texts: list[str], numeric: list[bool], style: Any, bold: bool, fill: str | None) -> None:
    for cell, text, right in zip(row.cells, texts, numeric, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = style.style_id  # the setter looks the style up: slow
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if fill:
            _shade(cell, fill)


def _note(doc: Any, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.font.color.rgb = GREY


def _table(doc: Any, table: Table, style: Any) -> None:
    if not table.rows:
        _note(doc, table.empty)
        return
    numeric = [column.kind != "text" for column in table.columns]

    def texts(row: list[Cell]) -> list[str]:
        return [printed(cell, column.kind) for cell, column in zip(row, table.columns, strict=True)]

    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    properties = header._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        properties.append(OxmlElement(tag))
    _row(header, [column.label for column in table.columns], numeric, style, True, HEADER_FILL)
    for index, row in enumerate(table.rows):
        subtotal = index in table.subtotals
        _row(grid.add_row(), texts(row), numeric, style, subtotal, TOTAL_FILL if subtotal else None)
    if table.total:
        _row(grid.add_row(), texts(table.total), numeric, style, True, TOTAL_FILL)
    for note in table.notes:
        _note(doc, f"註：{note}")


def _picture(doc: Any, block: Chart | Figure, png: bytes) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    width, height = size(block.svg)
    # its own size on paper (a CSS pixel is 1/96 inch), never wider than the text column nor too tall
    shown = min(PICTURE_WIDTH, Cm(width * 2.54 / 96))
    tall = shown * height / width > PICTURE_HEIGHT
    paragraph.add_run().add_picture(
        io.BytesIO(png), **({"height": PICTURE_HEIGHT} if tall else {"width": shown})
    )
    for note in block.notes if isinstance(block, Figure) else []:
        _note(doc, f"註：{note}")


def _block(doc: Any, block: Block, style: Any, pictures: dict[int, bytes]) -> None:
    doc.add_heading(block.title, level=2)
    if isinstance(block, Table):
        _table(doc, block, style)
    elif isinstance(block, Chart | Figure):
        _picture(doc, block, pictures[id(block)])
    elif isinstance(block, Notes):
        for item in block.items:
            doc.add_paragraph(item, style="List Bullet")
        if not block.items:
            _note(doc, block.empty)


def _page_furniture(doc: Any, document: Document) -> None:
    """The header and the page-numbered footer, on every page but the cover."""
    for name in ("Header", "Footer"):
        doc.styles[name].font.size = Pt(8)
        doc.styles[name].font.color.rgb = GREY
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[
        0
    ].text = f"{document.area_name} {document.year}年 行政輔導報告 · {document.edition_label}"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    field, number, text = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    field.set(qn("w:instr"), "PAGE")
    text.text = "1"
    number.append(text)
    field.append(number)
    footer._p.append(field)
    footer.add_run(" 頁")


def _cover(doc: Any, document: Document) -> None:
    area = doc.add_paragraph()
    area.paragraph_format.space_before = Cm(5)
    area.add_run(document.area_name).font.size = Pt(18)
    doc.add_paragraph(f"{document.year}年 {document.title}", style="Title")
    doc.add_paragraph(f"報告日期：{document.report_day_roc}")
    doc.add_paragraph().add_run(document.edition_label).bold = True
    for line in document.summary:
        doc.add_paragraph().add_run(line).font.color.rgb = GREY
    contents = doc.add_paragraph()
    contents.paragraph_format.space_before = Cm(1.2)
    contents.add_run("目次").bold = True
    for section in document.sections:
        doc.add_paragraph(f"{section.number}　{section.heading}").paragraph_format.left_indent = Cm(0.5)


def write(document: Document) -> bytes:
    import docx

    drawings = [block for s in document.sections for block in s.blocks if isinstance(block, Chart | Figure)]
    pictures = {
        id(block): png for block, png in zip(drawings, rasterize([b.svg for b in drawings]), strict=True)
    }
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Cm(2)
    style = _styles(doc)
    _page_furniture(doc, document)
    _cover(doc, document)
    for part in document.sections:
        doc.add_heading(f"{part.number}　{part.heading}", level=1)
        for block in part.blocks:
            _block(doc, block, style, pictures)
    moment = datetime.datetime.combine(document.report_day, datetime.time(), tzinfo=datetime.UTC)
    properties = doc.core_properties
    properties.title = f"{document.area_name} {document.year}年 {document.title}"
    properties.subject = f"{document.title}（{document.edition_label}）"
    properties.author = properties.last_modified_by = ""
    properties.comments = properties.keywords = ""
    properties.language = "zh-TW"
    properties.created = properties.modified = moment
    properties.revision = 1
    stream = io.BytesIO()
    doc.save(stream)
    return stream.getvalue()
