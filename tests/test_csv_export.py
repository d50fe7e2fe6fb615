from smk.csv_export import csv_lines, safe_cell


def test_a_name_typed_as_a_formula_is_exported_as_text():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("-5") == "'-5"
    assert safe_cell("Kowalska") == "Kowalska"
    assert safe_cell(None) == ""


def test_exports_start_with_a_bom_and_use_semicolons():
    lines = list(csv_lines(["Nazwisko", "Imię"], [("Źdźbło", "Łucja")], lambda row: row))
    assert lines[0] == "\ufeffNazwisko;Imię\r\n"
    assert lines[1] == "Źdźbło;Łucja\r\n"
