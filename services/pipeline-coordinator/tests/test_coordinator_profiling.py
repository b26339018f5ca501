"""Column profiles for the filter editor (input-columns): the 80 % rule and categories."""

from __future__ import annotations

from outsend_pipeline_coordinator.profiling import profile_column, profile_columns


class TestProfiles:
    def test_types_need_80_percent_of_the_filled_values(self) -> None:
        phones = ["01 23 45 67 89", "+33 6 12 34 56 78", "0612345678", "04.72.00.00.00", "inconnu"]
        assert profile_column("telephone", phones).type == "phone"
        assert profile_column("telephone", [*phones, "n/a"]).type != "phone"  # 4 of 6
        assert profile_column("site", ["https://a.fr", "www.b.fr", "c.com/contact", ""]).type == "url"
        assert profile_column("email", ["a@b.fr", "x@y.com, z@y.com"]).type == "email"
        assert profile_column("note", ["4,5", "3.9", "5"]).type == "number"

    def test_repeated_values_make_a_category_with_its_distinct_values(self) -> None:
        values = ["dentiste"] * 50 + ["orthodontiste"] * 30 + ["stomatologue"] * 5 + [""] * 15
        column = profile_column("categorie", values)
        assert column.type == "category"
        assert column.fill_rate == 0.85
        assert column.distinct_count == 3
        assert column.distinct_values == ["dentiste", "orthodontiste", "stomatologue"]

    def test_unique_names_are_text_and_more_than_200_values_never_a_category(self) -> None:
        assert profile_column("nom", [f"Cabinet {index}" for index in range(120)]).type == "text"
        many = [f"v{index % 250}" for index in range(1000)]
        assert profile_column("code", many).type == "text"
        assert profile_column("vide", ["", ""]).fill_rate == 0.0

    def test_every_column_is_profiled_in_order(self) -> None:
        rows = [{"nom": "A", "note": "4"}, {"nom": "B", "note": ""}]
        assert [(column.name, column.fill_rate) for column in profile_columns(["nom", "note"], rows)] == [
            ("nom", 1.0),
            ("note", 0.5),
        ]
