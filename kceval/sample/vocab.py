"""Vocabulary of the synthetic sample: activity mixes, sizes within the caps of DOMAIN.md, durations and the
Vietnamese parts of project titles (used by :mod:`kceval.sample.synth`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import ACTIVITIES

# Rough activity mix of provincial programmes (machinery and training dominate the counts).
ACTIVITY_MIX = {
    "training": 0.20, "capacity": 0.05, "demonstration": 0.07, "machinery": 0.30,
    "cleaner_production": 0.02, "fair": 0.06, "product_award": 0.04, "brand": 0.06,
    "consulting": 0.05, "communication": 0.06, "linkage": 0.02, "industrial_cluster": 0.02,
    "cooperation": 0.01, "management": 0.04,
}
# activity -> (low, high) support in million VND; per-establishment when the cap is (DOMAIN.md caps)
SIZE_M = {
    "training": (40, 180), "capacity": (20, 120), "demonstration": (200, 500), "machinery": (60, 200),
    "cleaner_production": (60, 300), "fair": (60, 450), "product_award": (50, 200), "brand": (15, 35),
    "consulting": (15, 35), "communication": (30, 200), "linkage": (50, 150), "industrial_cluster": (200, 500),
    "cooperation": (50, 300), "management": (10, 60),
}
PER_EST = {"machinery": 200, "brand": 35, "consulting": 35}  # caps per establishment (million VND)
MIX_NATIONAL = {
    "training": 0.12, "capacity": 0.04, "demonstration": 0.15, "machinery": 0.35, "cleaner_production": 0.04,
    "fair": 0.06, "product_award": 0.02, "brand": 0.06, "consulting": 0.05, "communication": 0.03,
    "linkage": 0.03, "industrial_cluster": 0.02, "cooperation": 0.01, "management": 0.02,
}
DURATION = {"fair": (30, 90), "brand": (90, 200), "consulting": (60, 180), "machinery": (120, 240),
             "demonstration": (150, 270), "training": (60, 180)}
ITEMS = {
    "training": ["mây tre đan", "thêu ren", "may công nghiệp", "chế biến thủy sản", "mộc dân dụng", "đan lục bình"],
    "capacity": ["khởi sự doanh nghiệp", "quản lý chất lượng", "thương mại điện tử", "quản trị tài chính"],
    "demonstration": ["sấy cà phê", "chế biến hạt điều", "sản xuất gạch không nung", "ép dầu dừa", "làm nước mắm"],
    "machinery": [
        "máy sấy nông sản",
        "dây chuyền chế biến hạt điều",
        "máy ép viên nén mùn cưa",
        "máy dệt chiếu cói",
        "lò nung gốm tiết kiệm năng lượng",
        "máy xay xát gạo",
        "máy cắt khắc CNC gỗ mỹ nghệ",
    ],
    "cleaner_production": ["đánh giá sản xuất sạch hơn", "cải tạo hệ thống xử lý nước thải"],
    "fair": ["khu vực phía Nam", "khu vực miền Trung", "khu vực phía Bắc", "tại Hà Nội", "tại TP. Hồ Chí Minh"],
    "product_award": ["cấp tỉnh", "cấp khu vực"],
    "brand": ["bánh tráng", "nước mắm", "kẹo dừa", "gốm", "chiếu cói", "mật ong"],
    "consulting": ["lập dự án đầu tư", "tiếp thị", "quản lý sản xuất", "tài chính"],
    "communication": ["trên báo, đài địa phương", "bản tin khuyến công", "trang thông tin điện tử"],
    "linkage": ["hiệp hội làng nghề", "cụm liên kết ngành"],
    "industrial_cluster": ["quy hoạch chi tiết", "hạ tầng kỹ thuật"],
    "cooperation": ["khảo sát, học tập kinh nghiệm nước ngoài"],
    "management": ["kiểm tra, giám sát đề án"],
}
TITLES = {
    "training": "Đào tạo nghề {x} cho lao động nông thôn",
    "capacity": "Tập huấn nâng cao năng lực {x}",
    "demonstration": "Xây dựng mô hình trình diễn kỹ thuật {x} tại cơ sở {n}",
    "machinery": "Hỗ trợ ứng dụng {x} tại cơ sở {n}",
    "cleaner_production": "Hỗ trợ {x} tại cơ sở {n}",
    "fair": "Tham gia hội chợ hàng công nghiệp nông thôn tiêu biểu {x}",
    "product_award": "Bình chọn sản phẩm CNNT tiêu biểu {x}",
    "brand": "Hỗ trợ xây dựng, đăng ký thương hiệu sản phẩm {x} {n}",
    "consulting": "Tư vấn {x} cho cơ sở {n}",
    "communication": "Thông tin tuyên truyền về khuyến công {x}",
    "linkage": "Hỗ trợ thành lập {x}",
    "industrial_cluster": "Lập {x} cụm công nghiệp",
    "cooperation": "Hợp tác quốc tế: {x}",
    "management": "Quản lý chương trình: {x}",
}
NAMES = ["Minh Phát", "Thành Công", "Hoàng Long", "Phú Quý", "Tân Tiến", "Hồng Hà", "An Khang", "Bảo Ngọc",
          "Đức Thịnh", "Ngọc Lan", "Thuận Phát", "Việt Hưng"]
ESCAPE_TITLE = 'Hỗ trợ xây dựng thương hiệu "Bánh pía A&B <Sóc Trăng>"'  # reports must HTML-escape this


def titles(df: pd.DataFrame) -> np.ndarray:
    """Vietnamese titles from templates per activity (a loop over the 14 activities, not projects)."""
    title = np.empty(len(df), dtype=object)
    act = df["activity"].to_numpy()
    names = np.array(NAMES, dtype=object)[df["u_name"].to_numpy()]
    for a in ACTIVITIES:
        m = act == a
        items = np.array(ITEMS[a], dtype=object)[df["u_item"].to_numpy()[m] % len(ITEMS[a])]
        pre, rest = TITLES[a].split("{x}")
        mid, post = rest.split("{n}") if "{n}" in rest else (rest, None)
        t = pre + items + mid
        title[m] = t + names[m] + post if post is not None else t
    return title
