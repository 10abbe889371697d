import io

from openpyxl import Workbook


def xlsx(header, rows) -> bytes:
    """A workbook as a clerk's ledger holds it: a header row, then the rows as typed."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
