"""A schematic tile map of Vietnam drawn for this project: one square per pre-2025
province, placed on a grid roughly where the province lies (north at the top),
so that coverage reads at a glance without shape files or a licence to track.

The 2025 view colours the same tiles by the 34 units they merged into
(:func:`vnpolicy.gazetteer.old_to_new`), outlining unit borders.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .. import gazetteer

# name: (row, column, label)
_TILES: dict[str, tuple[int, int, str]] = {
    "Lai Châu": (0, 1, "LCh"), "Lào Cai": (0, 2, "LCa"), "Hà Giang": (0, 3, "HGi"), "Cao Bằng": (0, 4, "CBg"),
    "Điện Biên": (1, 0, "ĐBi"), "Yên Bái": (1, 2, "YBá"), "Tuyên Quang": (1, 3, "TQu"), "Bắc Kạn": (1, 4, "BKạ"),
    "Lạng Sơn": (1, 5, "LSơ"),
    "Sơn La": (2, 1, "SLa"), "Phú Thọ": (2, 2, "PTh"), "Thái Nguyên": (2, 3, "TNg"), "Bắc Giang": (2, 4, "BGi"),
    "Quảng Ninh": (2, 5, "QNi"),
    "Hòa Bình": (3, 1, "HBì"), "Vĩnh Phúc": (3, 2, "VPh"), "Hà Nội": (3, 3, "HNộ"), "Bắc Ninh": (3, 4, "BNi"),
    "Hải Dương": (3, 5, "HDư"), "Hải Phòng": (3, 6, "HPh"),
    "Ninh Bình": (4, 2, "NBì"), "Hà Nam": (4, 3, "HNa"), "Hưng Yên": (4, 4, "HYê"), "Thái Bình": (4, 5, "TBì"),
    "Thanh Hóa": (5, 2, "THó"), "Nam Định": (5, 3, "NĐị"),
    "Nghệ An": (6, 2, "NAn"), "Hà Tĩnh": (7, 3, "HTĩ"), "Quảng Bình": (8, 3, "QBì"), "Quảng Trị": (9, 3, "QTr"),
    "Thừa Thiên Huế": (10, 4, "Huế"),
    "Quảng Nam": (11, 4, "QNa"), "Đà Nẵng": (11, 5, "ĐNẵ"),
    "Kon Tum": (12, 4, "KTu"), "Quảng Ngãi": (12, 5, "QNg"),
    "Gia Lai": (13, 4, "GLa"), "Bình Định": (13, 5, "BĐị"),
    "Đắk Lắk": (14, 4, "ĐLắ"), "Phú Yên": (14, 5, "PYê"),
    "Đắk Nông": (15, 3, "ĐNô"), "Lâm Đồng": (15, 4, "LĐồ"), "Khánh Hòa": (15, 5, "KHò"),
    "Bình Phước": (16, 3, "BPh"), "Ninh Thuận": (16, 5, "NTh"),
    "Tây Ninh": (17, 2, "TNi"), "Bình Dương": (17, 3, "BDư"), "Đồng Nai": (17, 4, "ĐNa"),
    "Bình Thuận": (17, 5, "BTh"),
    "Đồng Tháp": (18, 1, "ĐTh"), "Long An": (18, 2, "LAn"), "Hồ Chí Minh": (18, 3, "HCM"),
    "Bà Rịa - Vũng Tàu": (18, 4, "VTà"),
    "An Giang": (19, 0, "AGi"), "Vĩnh Long": (19, 1, "VLo"), "Tiền Giang": (19, 2, "TGi"), "Bến Tre": (19, 3, "BTr"),
    "Kiên Giang": (20, 0, "KGi"), "Cần Thơ": (20, 1, "CTh"), "Trà Vinh": (20, 2, "TVi"),
    "Hậu Giang": (21, 1, "HGa"), "Sóc Trăng": (21, 2, "STr"),
    "Cà Mau": (22, 0, "CMa"), "Bạc Liêu": (22, 1, "BLi"),
}
TILE, GAP = 30, 2
COLUMNS, ROWS = 7, 23


@dataclass(frozen=True)
class Tile:
    name: str
    row: int
    col: int
    label: str

    @property
    def new_unit(self) -> str:
        return gazetteer.old_to_new(self.name) or self.name


def tiles() -> list[Tile]:
    return [Tile(n, r, c, lab) for n, (r, c, lab) in _TILES.items()]


def _level(count: int, top: int) -> int:
    """Colour step 0..4 of a count (0 = not reached)."""
    if count <= 0:
        return 0
    return 1 + min(3, int(3 * count / max(top, 1)))


def render(counts: dict[str, int], post2025: bool, link: str | None = "/provinces/{name}",
           title: str = "") -> str:
    """The map as inline SVG markup: ``counts`` by pre-2025 province name; in the 2025 view a
    unit's count is the sum of its old provinces' and every tile of the unit shows it."""
    by_unit: dict[str, int] = {}
    for t in tiles():
        by_unit[t.new_unit] = by_unit.get(t.new_unit, 0) + counts.get(t.name, 0)
    shown = {t.name: (by_unit[t.new_unit] if post2025 else counts.get(t.name, 0)) for t in tiles()}
    top = max(shown.values(), default=0)
    w, h = COLUMNS * (TILE + GAP), ROWS * (TILE + GAP)
    role = "group" if link else "img"  # an image may not hold links
    out = [(f'<svg class="tilemap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="{role}" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')]
    for t in tiles():
        x, y = t.col * (TILE + GAP), t.row * (TILE + GAP)
        n = shown[t.name]
        name = f"{t.name} → {t.new_unit}" if post2025 else t.name
        tile = (f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="3" class="lv{_level(n, top)}"/>'
                f'<text x="{x + TILE / 2}" y="{y + TILE / 2 + 4}" text-anchor="middle">'
                f'{escape(t.label)}</text><title>{escape(name)}: {n}</title>')
        if link:
            href = escape(link.format(name=t.name), quote=True)
            tile = f'<a href="{href}" aria-label="{escape(name)}: {n}">{tile}</a>'
        out.append(f'<g class="tile" data-province="{escape(t.name)}">{tile}</g>')
    if post2025:
        out.append(_unit_borders())
    out.append("</svg>")
    return "".join(out)


def _unit_borders() -> str:
    """Thick lines between tiles that belong to different 2025 units."""
    unit = {(t.row, t.col): t.new_unit for t in tiles()}
    step, lines = TILE + GAP, []
    for (r, c), u in unit.items():
        x, y = c * step - GAP / 2, r * step - GAP / 2
        for (dr, dc), (x1, y1, x2, y2) in (((0, 1), (x + step, y, x + step, y + step)),
                                            ((1, 0), (x, y + step, x + step, y + step))):
            other = unit.get((r + dr, c + dc))
            if other is not None and other != u:
                lines.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    return f'<g class="borders">{"".join(lines)}</g>'
