"""Tests of the staff directory and its HR import. `csv_bytes` builds an import file."""

HEADER = "employee_id,email,name,department,role,location,manager_email,start_date"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    """A CSV file of `header` and `rows` (each a line of text), encoded as asked."""
    return "\r\n".join([header, *rows, ""]).encode(encoding)
