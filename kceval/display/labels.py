"""Every word kceval shows, in Vietnamese and English: the one home of labels.

``LABELS`` maps a key to its (Vietnamese, English) pair, so the two languages can never have
different keys. Keys are grouped by prefix: page words (plain keys), figure axes ``ax_*``,
legends ``lg_*`` and titles ``tt_*``, short group names for figures and tables (measures
``m_*``, sources ``src_*``, statuses ``st_*``, activities ``act_*``, regions ``rg_*``), the
words of the report sections, full region names ``region_*`` for titles, the official activity
names ``activity_*`` (which :mod:`kceval.io.words` also reads in spreadsheets) and money units
``unit_*``. Number, money and date formats are in :mod:`kceval.display.formats`.
"""
from __future__ import annotations

from typing import Any

from ..errors import ParameterError

LANGS: tuple[str, ...] = ("vi", "en")

LABELS: dict[str, tuple[str, str]] = {
    # -- pages: report chrome, index page, provenance
    "report": ("Báo cáo", "Report"),
    "contents": ("Mục lục", "Contents"),
    "parameters": ("Tham số", "Parameters"),
    "parameter": ("Tham số", "Parameter"),
    "value": ("Giá trị", "Value"),
    "provenance": ("Nguồn gốc và tái lập", "Provenance and reproducibility"),
    "synthetic_banner": ("Dữ liệu mẫu tổng hợp — không phải số liệu thật", "Synthetic sample data — not real figures"),
    "report_failed": ("Báo cáo lỗi", "Report failed"),
    "failed_banner": ("Báo cáo không chạy hết: đã xảy ra lỗi", "The report did not run to the end: an error occurred"),
    "error": ("Lỗi", "Error"),
    "error_cell": ("Ô lệnh gây lỗi", "Cell where the error occurred"),
    "go_to_cell": ("Đến ô lỗi", "Go to the failing cell"),
    "traceback": ("Chi tiết lỗi", "Traceback"),
    "files": ("Tệp dữ liệu", "Data files"),
    "file": ("Tệp", "File"),
    "sha256": ("SHA-256", "SHA-256"),
    "size_bytes": ("Kích thước (byte)", "Size (bytes)"),
    "versions": ("Phiên bản", "Versions"),
    "package": ("Thư viện", "Package"),
    "version": ("Phiên bản", "Version"),
    "git_revision": ("Phiên bản mã (git)", "Code revision (git)"),
    "started": ("Bắt đầu", "Started"),
    "finished": ("Kết thúc", "Finished"),
    "seconds": ("Thời gian chạy (giây)", "Run time (s)"),
    "none": ("không có", "none"),
    "index_title": ("Danh mục báo cáo khuyến công", "Khuyến công reports"),
    "index_national": ("Toàn quốc", "The country"),
    "index_region": ("Các vùng", "Regions"),
    "index_provinces": ("Các tỉnh, thành phố", "Provinces"),
    "index_year_end": ("cuối năm", "year end"),
    "index_search": ("Tìm", "Search"),
    "index_search_hint": ("tên tỉnh, vùng hoặc năm, có hoặc không dấu", "a province, region or year"),
    "index_all": ("tất cả", "all"),
    "index_none": ("Không có báo cáo nào phù hợp.", "No report matches."),
    "index_shown": ("{n} báo cáo", "{n} reports"),
    "index_chart": ("Tỷ lệ giải ngân theo tỉnh, năm {year}", "Execution rate by province, {year}"),
    "index_chart_note": ("Xếp từ cao đến thấp; vạch dọc là trung vị các tỉnh trong vùng.",
                         "Highest first; the vertical mark is the median of the region's provinces."),
    "title": ("Báo cáo", "Report"),
    "kind": ("Loại", "Kind"),
    "status": ("Trạng thái", "Status"),
    "status_ok": ("hoàn thành", "ok"),
    "status_failed": ("lỗi", "failed"),
    "run_time": ("Thời gian chạy", "Run time"),
    "link": ("Liên kết", "Link"),
    "open": ("Mở", "Open"),
    "province": ("Tỉnh/thành phố", "Province"),
    "region": ("Vùng", "Region"),
    "unit_2025": ("Tỉnh, thành phố từ 01/07/2025", "Unit from 1 July 2025"),
    "code": ("Mã", "Code"),
    "old_provinces": ("Gồm các tỉnh cũ", "Made of the old provinces"),
    # what the money produced (kceval.report.results): one clause per activity, in the style of the programme's
    # own reports; an English clause is "singular|plural", chosen by its first number
    "res_machinery": ("hỗ trợ {establishments} cơ sở công nghiệp nông thôn ứng dụng máy móc thiết bị hiện đại",
                      "supported {establishments} establishment with modern machinery|supported {establishments} "
                      "establishments with modern machinery"),
    "res_cleaner_production": ("đánh giá sản xuất sạch hơn cho {projects} cơ sở",
                               "assessed cleaner production for {projects} establishment|assessed cleaner "
                               "production for {projects} establishments"),
    "res_fair": ("tổ chức {projects} hội chợ với {output} lượt cơ sở tham gia",
                 "organised {projects} fair with {output} participations|organised {projects} fairs with {output} "
                 "participations"),
    "res_brand": ("hỗ trợ {projects} cơ sở đăng ký thương hiệu",
                  "helped {projects} establishment register a brand|helped {projects} establishments register "
                  "brands"),
    "res_consulting": ("thực hiện {projects} đề án tư vấn", "ran {projects} consulting project|ran {projects} "
                       "consulting projects"),
    "res_training": ("đào tạo nghề, truyền nghề cho {output} học viên", "trained {output} person|trained {output} "
                     "people"),
    "res_capacity": ("nâng cao năng lực quản lý, khởi sự doanh nghiệp cho {output} học viên",
                     "built the management or start-up skills of {output} trainee|built the management or start-up "
                     "skills of {output} trainees"),
    "res_demonstration": ("xây dựng {projects} mô hình trình diễn kỹ thuật", "built {projects} technical "
                          "demonstration model|built {projects} technical demonstration models"),
    "res_product_award": ("bình chọn {output} sản phẩm công nghiệp nông thôn tiêu biểu",
                          "selected {output} typical rural industrial product|selected {output} typical rural "
                          "industrial products"),
    "res_communication": ("thực hiện {output} tin, bài, ấn phẩm tuyên truyền", "published or broadcast {output} "
                          "item|published or broadcast {output} items"),
    "res_linkage": ("hỗ trợ {output} hiệp hội, cụm liên kết", "supported {output} association or cluster|"
                    "supported {output} associations or clusters"),
    "res_industrial_cluster": ("hỗ trợ {output} cụm công nghiệp", "supported {output} industrial cluster|"
                               "supported {output} industrial clusters"),
    "res_cooperation": ("tổ chức {output} đoàn hợp tác quốc tế", "organised {output} international delegation|"
                        "organised {output} international delegations"),
    "res_sentence": ("Đến ngày {as_of}, {label} đã {results}.", "By {as_of}, {label} had {results}."),
    "res_none": ("Đến ngày {as_of}, {label} chưa có đề án nào hoàn thành hoặc được nghiệm thu.",
                 "By {as_of}, no project of {label} had been finished or accepted."),
    "res_basis": ("Kết quả tính theo các đề án đã hoàn thành hoặc được nghiệm thu đến ngày {as_of}; kế hoạch là "
                  "kết quả dự kiến của mọi đề án đã phê duyệt.", "Results count the projects finished or accepted "
                  "by {as_of}; planned are the outputs of every project approved."),
    "out_unit": ("Đơn vị tính", "Unit"),
    "out_achieved": ("Đạt được", "Achieved"),
    "out_planned": ("Kế hoạch (đề án đã phê duyệt)", "Planned (approved projects)"),
    "out_share": ("Đạt được ÷ kế hoạch", "Achieved ÷ planned"),
    "out_projects_done": ("Đề án hoàn thành", "Projects done"),
    "out_projects_planned": ("Đề án đã phê duyệt", "Projects approved"),
    "out_unknown": ("Đề án hoàn thành chưa báo cáo kết quả", "Projects done, output not reported"),
    # the published figures' measures, sources and units (kceval/data/published, reconciliation table)
    "pm_plan": ("Kế hoạch", "Plan"), "pm_executed": ("Đã giải ngân", "Executed"),
    "pm_execution_rate": ("Tỷ lệ giải ngân", "Execution rate"), "pm_counterpart": ("Vốn đối ứng", "Counterpart"),
    "pm_other_programmes": ("Các chương trình khác", "Other programmes"),
    "pm_share_of_executed": ("Tỷ trọng trong số đã giải ngân", "Share of executed"),
    "pm_share_of_plan": ("Tỷ trọng trong kế hoạch", "Share of plan"),
    "pm_machinery_supports": ("Cơ sở được hỗ trợ máy móc thiết bị", "Establishments given machinery"),
    "pm_cleaner_production_assessments": ("Đánh giá sản xuất sạch hơn", "Cleaner-production assessments"),
    "pm_fairs": ("Hội chợ được tổ chức", "Fairs held"), "pm_fair_participations": ("Lượt cơ sở tham gia hội chợ",
                                                                                 "Fair participations"),
    "pm_brand_supports": ("Cơ sở được hỗ trợ đăng ký thương hiệu", "Establishments given a brand"),
    "pm_consulting_projects": ("Đề án tư vấn", "Consulting projects"),
    "pm_demonstration_models": ("Mô hình trình diễn kỹ thuật", "Demonstration models"),
    "pm_trainees": ("Học viên được đào tạo", "Trainees"),
    "ps_national": ("Khuyến công quốc gia", "National"), "ps_local": ("Khuyến công địa phương", "Local"),
    "ps_total": ("Tổng", "Total"),
    "pu_billion VND": ("tỷ đồng", "billion VND"), "pu_percent": ("%", "%"), "pu_count": ("số lượng", "count"),
    "uc_support_per_output": ("Kinh phí hỗ trợ trên một đơn vị kết quả", "Support per output"),
    "uc_total_per_output": ("Tổng chi phí (hỗ trợ + đối ứng) trên một đơn vị kết quả",
                            "Total cost (support + counterpart) per output"),
    "uc_projects": ("Số đề án", "Projects"),
    "uc_median": ("Trung vị các tỉnh", "Median of the provinces"),
    "uc_q1": ("Tứ phân vị dưới", "Lower quartile"),
    "uc_q3": ("Tứ phân vị trên", "Upper quartile"),
    "uc_z": ("Điểm z vững (thang log)", "Robust z (log scale)"),
    "uc_flag": ("Nhận xét", "Flag"),
    "uc_outlier": ("khác thường", "outlier"),
    "uc_few": ("ít hơn {n} đề án: không so sánh", "fewer than {n} projects: not compared"),
    "uc_provinces": ("Số tỉnh được so sánh", "Provinces compared"),
    "uc_outliers": ("Tỉnh có chi phí khác thường", "Provinces with outlying costs"),
    "uc_note": ("Chi phí của các đề án đã hoàn thành hoặc nghiệm thu đến ngày {as_of}, so với các tỉnh có ít nhất {n} "
                "đề án cùng hoạt động; khác thường khi |z| > 3,5 (điểm z cải tiến của Iglewicz và Hoaglin trên logarit "
                "chi phí).", "Costs of the projects finished or accepted by {as_of}, compared with the provinces that "
                "have at least {n} projects of the activity; an outlier when |z| > 3.5 (Iglewicz and Hoaglin's modified "
                "z on the log cost)."),
    "cap_some": ("{n} đề án khuyến công quốc gia có mức hỗ trợ vượt mức trần của hoạt động (Thông tư 28/2018/TT-BTC), "
                 "trong đó {m} đề án vượt quá 1,5 lần mức trần dành cho địa bàn ưu tiên: cần kiểm tra số liệu hoặc tính "
                 "tuân thủ.", "{n} national project(s) have support above the activity's cap (Circular 28/2018/TT-BTC), "
                 "{m} of them above the 1.5× allowed in priority areas: a data or compliance issue to check."),
    "cap_none": ("Không đề án khuyến công quốc gia nào có mức hỗ trợ vượt mức trần của hoạt động.",
                 "No national project has support above the activity's cap."),
    "uc_projects_scored": ("Số đề án của các tỉnh được so sánh", "Projects behind the median"),
    "uc_rank": ("Hạng (1 = chi phí thấp nhất)", "Rank (1 = lowest cost)"),
    "uc_rank_note": ("Chỉ xếp hạng tỉnh có ít nhất {n} đề án hoàn thành của hoạt động: {provinces} tỉnh, {rows} dòng.",
                     "Only provinces with at least {n} done projects of the activity are ranked: {provinces} "
                     "provinces, {rows} rows."),
    "lv_projects": ("Số đề án", "Projects"),
    "lv_coverage": ("Đề án có số vốn đối ứng", "Projects with a known counterpart"),
    "lv_support": ("Kinh phí hỗ trợ", "Support"),
    "lv_counterpart": ("Vốn đối ứng", "Counterpart"),
    "lv_leverage": ("Vốn đối ứng ÷ kinh phí hỗ trợ", "Counterpart ÷ support"),
    "lv_note": ("Tính trên các đề án đã phê duyệt có số vốn đối ứng; kinh phí hỗ trợ ở đây là của các đề án đó.",
                "Over the approved projects whose counterpart is known; the support shown is theirs."),
    "rm_pilot": ("Đề án điểm", "Pilot projects"),
    "rm_group": ("Đề án nhóm", "Group projects"),
    "rm_ordinary": ("Đề án thông thường", "Ordinary projects"),
    "rm_kind": ("Loại đề án", "Kind"),
    "rm_projects": ("Số đề án", "Projects"),
    "rm_project_share": ("Tỷ trọng số đề án", "Share of projects"),
    "rm_money_share": ("Tỷ trọng kinh phí hỗ trợ", "Share of support"),
    "rm_leverage": ("Vốn đối ứng ÷ kinh phí hỗ trợ", "Counterpart ÷ support"),
    "rm_problem": ("Tỷ lệ gặp vấn đề (KTC 95%)", "Problem rate (95% CI)"),
    "rm_problem_vs": ("Chênh lệch so với đề án thông thường", "Difference from ordinary"),
    "rm_on_time": ("Tỷ lệ hoàn thành đúng hạn (KTC 95%)", "On-time rate (95% CI)"),
    "rm_on_time_vs": ("Chênh lệch so với đề án thông thường", "Difference from ordinary"),
    "rm_cost": ("Chi phí đơn vị so với trung vị của hoạt động (KTC 95%)", "Unit cost ÷ activity median (95% CI)"),
    "rm_cost_vs": ("Gấp bao nhiêu lần đề án thông thường", "Ratio to ordinary"),
    "rm_points": ("điểm %", "pp"),
    "rm_to": ("đến", "to"),
    "rm_note": ("Gộp các đề án của các năm kế hoạch {years}, theo tình trạng đến ngày {as_of}. Tỷ lệ gặp vấn đề tính "
                "trên các đề án đã phê duyệt, tỷ lệ đúng hạn trên các đề án đã đến hạn (khoảng Wilson; chênh lệch với "
                "khoảng Newcombe). Chi phí đơn vị là kinh phí hỗ trợ trên một đơn vị kết quả chia cho trung vị của "
                "hoạt động (trung bình nhân, khoảng t trên logarit; so sánh bằng kiểm định Welch). Một đề án vừa là "
                "đề án điểm vừa là đề án nhóm được tính ở cả hai dòng.",
                "Projects of plan years {years} pooled, as they stood on {as_of}. The problem rate is over the approved "
                "projects, the on-time rate over the projects due (Wilson intervals; differences with Newcombe's "
                "interval). Unit cost is support per output divided by the activity's median (geometric mean, t "
                "interval on the logs; compared with Welch's test). A project both pilot and group counts in both "
                "rows."),
    "rm_caveat": ("So sánh chỉ mang tính mô tả: đề án điểm và đề án nhóm được lựa chọn theo đặc điểm riêng (quy mô, "
                  "mức độ chuẩn bị, hoạt động), nên chênh lệch không phải là tác động của việc là đề án điểm hay "
                  "đề án nhóm.", "The comparison is descriptive: pilot and group projects are chosen for what they are "
                  "(size, preparation, activity), so a difference is not the effect of being a pilot or group "
                  "project."),
    "download_xlsx": ("Tải các bảng của báo cáo (Excel, .xlsx)", "Download the report's tables (Excel, .xlsx)"),
    "ex_scope": ("Tỉnh, vùng hoặc cả nước", "Province, region or the country"),
    "ex_cannot": ("Không tính được với lựa chọn này: hãy kiểm tra ngày (dạng YYYY-MM-DD, trong năm kế hoạch và "
                  "trong phạm vi dữ liệu).", "This choice cannot be computed:"),
    "card_peers_region": ("Trung vị các tỉnh trong vùng", "Median of the region's provinces"),
    "card_peers_all": ("Trung vị các tỉnh", "Median of the provinces"),
    "card_gap": ("còn thiếu {gap}", "{gap} short of 100%"),
    "card_result": ("Kết quả", "Result"),
    "card_execution": ("Tỷ lệ giải ngân", "Execution rate"),
    "card_forecast": ("Dự báo cuối năm", "Year-end forecast"),
    "card_problem": ("Đề án gặp vấn đề", "Projects with a problem"),
    "card_on_time": ("Hoàn thành đúng hạn", "Delivered on time"),
    "card_no_result": ("chưa có đề án hoàn thành", "no project done yet"),
    "alt_heatmap": ("Bản đồ nhiệt tỷ lệ giải ngân (%): {rows} dòng × {cols} cột; ô càng sáng tỷ lệ càng cao, ô trống "
                    "là không có đề án.", "Heat map of execution rates (%): {rows} rows × {cols} columns; brighter "
                    "cells have higher rates, an empty cell has no project."),
    "alt_unit_costs": ("Biểu đồ điểm chi phí trên một đơn vị kết quả của {provinces} tỉnh theo {activities} hoạt "
                       "động, thang logarit; {outliers} điểm khác thường được tô màu và ghi tên.",
                       "Dot plot of the support per output of {provinces} provinces in {activities} activities, log "
                       "scale; {outliers} outlying points coloured and named."),
    "alt_merger": ("Sơ đồ sắp xếp năm 2025: {n} tỉnh cũ (bên trái), mỗi tỉnh nối với một trong {units} tỉnh, thành "
                   "phố mới (bên phải); màu theo vùng.", "The 2025 merger: {n} old provinces (left), each joined to "
                   "one of the {units} new units (right); colours by region."),
    "merger_before_2025": ("Việc sắp xếp 63 tỉnh thành 34 tỉnh, thành phố có hiệu lực từ ngày 01/07/2025 (Nghị quyết 202/2025/QH15): bảng dưới đây cho biết mỗi đơn vị mới gồm các tỉnh cũ nào.", "The merger of the 63 provinces into 34 units took effect on 1 July 2025 (Resolution 202/2025/QH15): the table shows the old provinces each new unit is made of."),
    "national": ("Toàn quốc", "National"),
    "year": ("Năm", "Year"),
    "as_of": ("Tính đến ngày", "As of"),
    "data": ("Dữ liệu", "Data"),
    "lang": ("Ngôn ngữ", "Language"),
    "units": ("Đơn vị hành chính", "Administrative units"),
    "regions": ("Vùng của các đơn vị năm 2025", "Regions of the 2025 units"),
    "pv_sample": ("dữ liệu mẫu tổng hợp kèm theo kceval", "the synthetic sample bundled with kceval"),
    "pv_as_of_default": ("ngày cuối năm, hoặc ngày cuối của dữ liệu nếu năm chưa kết thúc",
                         "31 December, or the data's last day for a year in progress"),
    "pv_lang_vi": ("Tiếng Việt", "Vietnamese"), "pv_lang_en": ("Tiếng Anh", "English"),
    "pv_units_default": ("theo năm kế hoạch (63 tỉnh trước năm 2025, 34 đơn vị từ năm 2025)",
                         "by plan year (63 provinces before 2025, 34 units from 2025)"),
    "pv_units_2025": ("34 tỉnh, thành phố sau sắp xếp năm 2025", "the 34 units of 2025"),
    "pv_regions_default": ("giả định của kceval (vùng của tỉnh cũ đặt trung tâm hành chính)",
                           "kceval's assumption (the region of the old province of the seat)"),
    "plan": ("Kế hoạch", "Plan"),
    "executed": ("Đã giải ngân", "Executed"),
    "rate": ("Tỷ lệ giải ngân", "Execution rate"),
    "execution_rate": ("Tỷ lệ giải ngân", "Execution rate"),
    "projects": ("Số đề án", "Projects"),
    "sort_hint": ("Bấm vào tiêu đề cột để sắp xếp", "Click a column header to sort"),
    "generated_by": ("Tạo bởi kceval", "Generated by kceval"),
    "n_reports": ("Số báo cáo", "Reports"),
    "n_failed": ("Số báo cáo lỗi", "Failed reports"),
    # -- figures: axes (with units), legends and titles
    "ax_month": ("Tháng", "Month"),
    "ax_cumulative_rate": ("Lũy kế giải ngân (% kế hoạch)", "Cumulative execution (% of plan)"),
    "ax_execution_rate": ("Tỷ lệ giải ngân (%)", "Execution rate (%)"),
    "ax_project_share": ("Tỷ lệ lũy kế số đề án, từ nhỏ đến lớn (%)", "Cumulative share of projects, smallest first (%)"),
    "ax_money_share": ("Tỷ lệ lũy kế kinh phí hỗ trợ (%)", "Cumulative share of support (%)"),
    "ax_rate": ("Tỷ lệ (%)", "Rate (%)"),
    "ax_problem_rate": ("Tỷ lệ đề án gặp vấn đề (%)", "Projects with a problem (%)"),
    "ax_n_projects": ("Số đề án (mẫu số)", "Projects (denominator)"),
    "ax_days": ("Số ngày kể từ khi phê duyệt", "Days since approval"),
    "ax_cum_incidence": ("Tỷ lệ tích lũy (%)", "Cumulative incidence (%)"),
    "ax_shrunk_rate": ("Tỷ lệ đề án gặp vấn đề, đã hiệu chỉnh (%)", "Projects with a problem, shrunken (%)"),
    "ax_support_per_output": ("Kinh phí hỗ trợ trên một đơn vị kết quả (triệu đồng, thang logarit)",
                              "Support per output (VND million, log scale)"),
    "ax_support_per_establishment": ("Kinh phí hỗ trợ trên một cơ sở (triệu đồng, thang logarit)",
                                     "Support per establishment (VND million, log scale)"),
    "ax_total_per_output": ("Tổng chi phí trên một đơn vị kết quả (triệu đồng, thang logarit)",
                            "Total cost per output (VND million, log scale)"),
    "lg_this_year": ("Năm báo cáo", "Report year"),
    "lg_uniform": ("Giải ngân đều (tháng/12)", "Even pace (month/12)"),
    "lg_band": ("Khoảng các năm trước", "Range of earlier years"),
    "lg_median": ("Trung vị các năm trước", "Median of earlier years"),
    "lg_equality": ("Phân bổ đều", "Equal shares"),
    "lg_lorenz": ("Đường Lorenz", "Lorenz curve"),
    "lg_target": ("Mục tiêu 100%", "Target 100%"),
    "lg_pooled": ("Tỷ lệ chung", "Pooled rate"),
    "lg_limit_95": ("Giới hạn 95%", "95% limits"),
    "lg_limit_998": ("Giới hạn 99,8%", "99.8% limits"),
    "lg_observed": ("Tỷ lệ quan sát", "Observed rate"),
    "lg_shrunk": ("Tỷ lệ hiệu chỉnh (khoảng 95%)", "Shrunken rate (95% interval)"),
    "lg_highlight": ("Tỉnh báo cáo", "Reported province"),
    "lg_acceptance": ("Nghiệm thu", "Acceptance"),
    "lg_stop": ("Dừng thực hiện", "Stop"),
    "lg_other": ("Tỉnh khác", "Other provinces"),
    "lg_province": ("Tỉnh", "Province"),
    "lg_outlier": ("Tỉnh có chi phí khác thường", "Province with an outlying cost"),
    "lg_median_provinces": ("Trung vị các tỉnh", "Median of the provinces"),
    "tt_lorenz": ("Đề án hiệu dụng: {effective} / thực tế: {actual}", "Effective projects: {effective} / actual: {actual}"),
    # -- group names, short (figures and tables): measures, sources, statuses, activities, regions
    "m_stop": ("Dừng thực hiện", "Stopped"),
    "m_adjustment": ("Điều chỉnh", "Adjusted"),
    "m_extension": ("Gia hạn", "Extended"),
    "m_problem": ("Có vấn đề (bất kỳ)", "Any problem"),
    "m_acceptance": ("Nghiệm thu đúng hạn kỳ", "Accepted on time"),
    "src_national": ("Khuyến công quốc gia", "National programme"),
    "src_local": ("Khuyến công địa phương", "Local programme"),
    "st_approved": ("Đã phê duyệt", "Approved"),
    "st_in_progress": ("Đang thực hiện", "In progress"),
    "st_finished": ("Đã hoàn thành", "Finished"),
    "st_accepted": ("Đã nghiệm thu", "Accepted"),
    "st_stopped": ("Dừng thực hiện", "Stopped"),
    "st_suspended": ("Tạm dừng", "Suspended"),
    "st_unreported": ("Chưa báo cáo tình trạng", "Status not reported"),
    "act_training": ("Đào tạo nghề", "Vocational training"),
    "act_capacity": ("Nâng cao năng lực", "Capacity building"),
    "act_demonstration": ("Mô hình trình diễn", "Demonstration models"),
    "act_machinery": ("Ứng dụng máy móc thiết bị", "Machinery and equipment"),
    "act_cleaner_production": ("Sản xuất sạch hơn", "Cleaner production"),
    "act_fair": ("Hội chợ, triển lãm", "Fairs and exhibitions"),
    "act_product_award": ("Bình chọn sản phẩm tiêu biểu", "Product awards"),
    "act_brand": ("Xây dựng thương hiệu", "Brand building"),
    "act_consulting": ("Tư vấn", "Consulting"),
    "act_communication": ("Thông tin tuyên truyền", "Communication"),
    "act_linkage": ("Liên kết sản xuất", "Production linkage"),
    "act_industrial_cluster": ("Cụm công nghiệp", "Industrial clusters"),
    "act_cooperation": ("Hợp tác quốc tế", "International cooperation"),
    "act_management": ("Quản lý chương trình", "Programme management"),
    "act_other": ("Hoạt động khác (gộp)", "Other activities (merged)"),
    "rg_north": ("Miền Bắc", "North"),
    "rg_central": ("Miền Trung", "Central"),
    "rg_south": ("Miền Nam", "South"),
    "rg_national": ("Toàn quốc", "National"),
    # -- report sections: row names, column names and sentences
    "activity": ("Hoạt động", "Activity"),
    "source": ("Nguồn vốn", "Source of funds"),
    "odds_ratio": ("Tỷ số chênh", "Odds ratio"),
    "risk_caption": ("Hồi quy logistic, sai số chuẩn theo cụm tỉnh: {n} đề án đã theo dõi đủ {days} ngày kể từ khi phê duyệt, {events} đề án gặp vấn đề trong {days} ngày đó, AUC {auc}", "Logistic regression, province-clustered standard errors: {n} projects followed for {days} days from approval, {events} with a problem within those {days} days, AUC {auc}"),
    "risk_unfit": ("Không ước lượng mô hình rủi ro:", "The risk model was not fitted:"),
    "risk_few_events": ("chỉ có {events} đề án gặp vấn đề và {other} đề án không gặp vấn đề cho {params} tham số, trong "
                        "khi quy tắc cần ít nhất 10 đề án mỗi loại và 10 đề án của loại ít hơn cho mỗi tham số (ở đây "
                        "{needed}). Hãy mở rộng phạm vi (thêm năm hoặc thêm tỉnh).",
                        "{events} projects with a problem and {other} without for {params} parameters, where the rule "
                        "is at least 10 of each and 10 of the rarer outcome per parameter ({needed} here). Widen the "
                        "selection (more years or provinces)."),
    "risk_other": ("mô hình không hội tụ hoặc dữ liệu không đủ để ước lượng.",
                   "the model did not converge or the data cannot identify it."),
    "risk_log_support": ("Log kinh phí hỗ trợ", "Log support"),
    "risk_pilot": ("Đề án điểm", "Pilot project"),
    "risk_counterpart_share": ("Tỷ lệ vốn đối ứng", "Counterpart share"),
    "risk_approval_month": ("Tháng phê duyệt", "Approval month"),
    "risk_cs_missing": ("Không rõ vốn đối ứng", "Counterpart unknown"),
    "risk_reference": ("hoạt động tham chiếu", "reference activity"),
    "gap": ("Còn thiếu so với mục tiêu 100%", "Gap to the 100% target"),
    "forecast": ("Dự báo tỷ lệ giải ngân cuối năm", "Year-end execution forecast"),
    "forecast_naive": ("Dự báo tuyến tính (đối chiếu)", "Naive linear forecast (for comparison)"),
    "n_projects": ("Số đề án", "Projects"),
    "measure": ("Chỉ tiêu", "Measure"),
    "median": ("Trung vị", "Median"),
    "rank": ("Hạng (cao nhất là 1)", "Rank (highest is 1)"),
    "of": ("trên", "of"),
    "problem_rate": ("Tỷ lệ đề án gặp vấn đề", "Projects with a problem"),
    "problem_rate_shrunk": ("Tỷ lệ gặp vấn đề (hiệu chỉnh)", "Projects with a problem (shrunken)"),
    "acceptance_rate": ("Tỷ lệ nghiệm thu", "Acceptance rate"),
    "on_time_rate": ("Tỷ lệ hoàn thành đúng hạn (nghiệm thu trước hạn kế hoạch ban đầu)", "Delivery rate (accepted by the original planned end)"),
    "punctuality_rate": ("Tỷ lệ đúng hạn trong số đề án đã nghiệm thu", "Punctuality (on time among the projects accepted)"),
    "rate_ci": ("Tỷ lệ (khoảng 95%)", "Rate (95% interval)"),
    "denominator": ("Mẫu số", "Denominator"),
    "den_due": ("{n} đề án đến hạn", "{n} projects due"),
    "den_due_known": ("{n} đề án đến hạn, biết thời điểm nghiệm thu", "{n} projects due, timing known"),
    "den_accepted": ("{n} đề án đã nghiệm thu (có ngày)", "{n} projects accepted (dated)"),
    "den_slip": ("{n} đề án chưa xong tính theo cận dưới", "{n} still open, counted at a lower bound"),
    "den_approved": ("Mẫu số: các đề án đã được phê duyệt đến ngày báo cáo", "Denominator: the projects approved by the report date"),
    "no_range": ("không có khoảng: chỉ {n} năm trước", "no range: {n} earlier year only"),
    "pefa_window": ("mỗi năm tính các khoản thanh toán đến 31/1 năm sau (tháng quyết toán)", "each year counts payments to 31 January of the following year (the settlement month)"),
    "pi2_lines_activity": ("PI-2 so sánh các hoạt động của tỉnh", "PI-2 compares the province's activities"),
    "pi2_lines_province": ("PI-2 so sánh các tỉnh", "PI-2 compares the provinces"),
    "effective_projects": ("Số đề án hiệu dụng (1/HHI)", "Effective number of projects (1/HHI)"),
    "interval": ("khoảng 95%", "95% interval"),
    "range": ("khoảng các năm trước", "range of earlier years"),
    "n": ("Số quan sát", "Observations"),
    "low": ("Cận dưới 95%", "95% lower"),
    "high": ("Cận trên 95%", "95% upper"),
    "count": ("Số đề án", "Projects"),
    "table": ("Bảng dữ liệu", "Table"),
    "rows_read": ("Số dòng đọc", "Rows read"),
    "rows_excluded": ("Số dòng loại", "Rows excluded"),
    "problem_other": ("vấn đề khác trong dữ liệu (chi tiết: lệnh kceval validate)",
                      "another problem in the data (details: kceval validate)"),
    "column": ("Cột", "Column"),
    "sev_error": ("Lỗi (dòng bị loại)", "Error (row excluded)"),
    "sev_warning": ("Cảnh báo (dòng được giữ)", "Warning (row kept)"),
    "severity": ("Mức độ", "Severity"),
    "message": ("Vấn đề", "Problem"),
    "rows": ("Số dòng", "Rows"),
    "no_problems": ("Không có vấn đề nào.", "No problems found."),
    "published": ("Số công bố", "Published"),
    "computed": ("Số tính lại", "Computed"),
    "match": ("Khớp", "Match"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "period_end": ("Đến ngày", "Period end"),
    "unit": ("Đơn vị", "Unit"),
    "source_of_funds": ("Nguồn vốn", "Source of funds"),
    "no_published": ("Không có số liệu công bố cho phạm vi và năm này.", "No published figures for this scope and year."),
    "project_id": ("Mã đề án", "Project"),
    "project_title": ("Tên đề án", "Title"),
    "support": ("Kinh phí hỗ trợ", "Support"),
    "approved_on": ("Ngày phê duyệt", "Approved on"),
    "planned_end": ("Hạn hoàn thành", "Planned end"),
    "grade": ("Xếp loại", "Grade"),
    "pi1": ("PI-1 tỷ lệ thực hiện tổng thể", "PI-1 aggregate outturn"),
    "pi2": ("PI-2 chênh lệch cơ cấu", "PI-2 composition variance"),
    "band": ("Mức", "Band"),
    "hhi": ("HHI", "HHI"),
    "gini": ("Hệ số Gini (khoảng 95%)", "Gini coefficient (95% interval)"),
    "theil": ("Chỉ số Theil T", "Theil T index"),
    "small_share": ("Tỷ lệ đề án nhỏ", "Share of small projects"),
    "p90": ("Số đề án chiếm 90% kinh phí", "Projects holding 90% of the money"),
    "leverage": ("Đòn bẩy (đối ứng / hỗ trợ)", "Leverage (counterpart / support)"),
    "n_due": ("Số đề án đến hạn", "Projects due"),
    "slippage": ("Trung vị số ngày chậm", "Median slippage (days)"),
    "excluded_banner": ("Lưu ý: {n} dòng dữ liệu đầu vào bị loại vì có lỗi; các số liệu dưới đây không tính các dòng đó (xem mục Chất lượng dữ liệu).", "Note: {n} rows of the input data were excluded because of errors; the figures below leave them out (see Data quality)."),
    "synthetic": ("Dữ liệu trong báo cáo này là dữ liệu mẫu tổng hợp (synthetic): các con số minh họa phương pháp, không phải số liệu thật của chương trình khuyến công.", "The data in this report are the synthetic sample: the figures illustrate the methods and are not real figures of the khuyến công programme."),
    "basis_unit": ("{unit} là đơn vị hành chính cấp tỉnh từ ngày 01/07/2025 gồm {members} (Nghị quyết 202/2025/QH15); số liệu các năm trước là tổng của các tỉnh cũ này (cơ sở so sánh được).", "{unit} is the province-level unit in force from 1 July 2025, made of {members} (Resolution 202/2025/QH15); the figures of earlier years are the sums of these old provinces (a comparable basis)."),
    "basis_unit_one": ("{unit} là đơn vị hành chính cấp tỉnh từ ngày 01/07/2025, không thay đổi địa giới (Nghị quyết 202/2025/QH15).", "{unit} is the province-level unit in force from 1 July 2025, with unchanged borders (Resolution 202/2025/QH15)."),
    "index_basis_63": ("Các báo cáo của các năm kế hoạch trước 2025 theo 63 tỉnh cũ và vùng của ARIT.", "Reports for plan years before 2025 are per old province (63) and ARIT region."),
    "index_basis_34": ("Các báo cáo từ năm 2025 (và các báo cáo của năm trước được tính theo 34 đơn vị) theo 34 tỉnh, thành phố từ ngày 01/07/2025; các năm trước được cộng theo tỉnh cũ (cơ sở so sánh được). Vùng của mỗi đơn vị là một giả định: {assumption}", "Reports from plan year 2025 (and earlier years reported on the basis of the 34 units) are per unit of the 34 in force from 1 July 2025, with earlier years summed over the old provinces (a comparable basis). The region of each unit is an assumption: {assumption}"),
    "basis": ("Cơ sở so sánh", "Basis"),
    "basis_63": ("63 tỉnh cũ", "63 old provinces"),
    "basis_34": ("34 tỉnh, thành phố từ 01/07/2025", "34 units from 1 July 2025"),
    "basis_assumed": ("34 tỉnh, thành phố; vùng theo giả định của kceval", "34 units; regions as kceval assumes"),
    "basis_file": ("34 tỉnh, thành phố; vùng theo tệp của người dùng", "34 units; regions from the user's file"),
    "regions_from_file": ("vùng của các đơn vị đọc từ tệp {file} do người dùng cung cấp (thay cho giả định của kceval).", "the units' regions are read from the user's file {file} (in place of kceval's assumption)."),
    "basis_regions": ("Báo cáo theo 34 tỉnh, thành phố từ ngày 01/07/2025; vùng của mỗi đơn vị là một giả định: {assumption}", "The report is per unit of the 34 in force from 1 July 2025; the region of each unit is an assumption: {assumption}"),
    "sentence": ("Tính đến {as_of}, {label} đã giải ngân {executed} trên kế hoạch {plan} năm {year} ({rate}), còn thiếu {gap} so với mục tiêu 100%. Dự báo tỷ lệ giải ngân cuối năm: {forecast}.", "As of {as_of}, {label} had executed {executed} of its {year} plan of {plan} ({rate}), {gap} short of the 100% target. Year-end execution forecast: {forecast}."),
    "shrink": ("Tỷ lệ đề án gặp vấn đề của {label} là {rate} ({count}/{n} đề án); sau khi hiệu chỉnh về trung bình của vùng (Bayes thực nghiệm) là {shrunk} (khoảng 95%: {low}–{high}). Trên biểu đồ phễu, tỉnh nằm {flag} giới hạn 95%.", "{label}'s share of projects with a problem is {rate} ({count} of {n} projects); shrunk toward its region's mean (empirical Bayes) it is {shrunk} (95% interval {low}–{high}). On the funnel plot it lies {flag} the 95% limits."),
    "flag_within": ("trong", "within"),
    "flag_above": ("trên", "above"),
    "flag_below": ("dưới", "below"),
    "title_as_of": ("đến", "as of"),
    # -- regions, full names (ARIT grouping, Circular 26/2014/TT-BCT Art. 3): titles
    "region_north": ("Phía Bắc", "North"),
    "region_central": ("Miền Trung – Tây Nguyên", "Central & Highlands"),
    "region_south": ("Phía Nam", "South"),
    # -- activities, official names (Decree 45/2012 Art. 4; DOMAIN.md)
    "activity_training": ("Đào tạo nghề, truyền nghề", "Vocational training"),
    "activity_capacity": ("Nâng cao năng lực quản lý, khởi sự doanh nghiệp", "Management capacity, start-ups"),
    "activity_demonstration": ("Mô hình trình diễn kỹ thuật", "Demonstration models"),
    "activity_machinery": ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", "Advanced machinery"),
    "activity_cleaner_production": ("Sản xuất sạch hơn", "Cleaner production"),
    "activity_fair": ("Hội chợ, triển lãm", "Fairs and exhibitions"),
    "activity_product_award": ("Bình chọn sản phẩm CNNT tiêu biểu", "Typical rural products"),
    "activity_brand": ("Xây dựng, đăng ký thương hiệu", "Brand building"),
    "activity_consulting": ("Tư vấn", "Consulting"),
    "activity_communication": ("Thông tin tuyên truyền", "Information and communication"),
    "activity_linkage": ("Liên doanh, liên kết, hiệp hội, cụm liên kết", "Business linkage"),
    "activity_industrial_cluster": ("Cụm công nghiệp", "Industrial clusters"),
    "activity_cooperation": ("Hợp tác quốc tế", "International cooperation"),
    "activity_management": ("Quản lý, giám sát chương trình", "Programme management"),
    # -- money units (kceval.schema.MONEY_UNITS)
    "unit_dong": ("đồng", ""),
    "unit_nghin": ("nghìn đồng", "thousand"),
    "unit_trieu": ("triệu đồng", "million"),
    "unit_ty": ("tỷ đồng", "billion"),
}

# prefix of the short display name of each kind of coded value (see group_label)
_GROUP_PREFIX = {"activity": "act_", "source": "src_", "status": "st_", "region": "rg_", "measure": "m_"}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported report language, else raise a ParameterError.

    Examples
    --------
    >>> check_lang("vi")
    'vi'
    """
    if lang not in LANGS:
        raise ParameterError(f"`lang` must be one of {', '.join(map(repr, LANGS))}; received {lang!r}")
    return lang


def label(key: str, lang: str) -> str:
    """The words of ``key`` in ``lang``.

    Examples
    --------
    >>> label("contents", "vi"), label("contents", "en")
    ('Mục lục', 'Contents')
    """
    i = LANGS.index(check_lang(lang))
    try:
        return LABELS[key][i]
    except KeyError:
        raise ParameterError(f"`key` must be a label of kceval.display.labels.LABELS; received {key!r}") from None


def has_label(key: Any) -> bool:
    """Whether ``key`` is a label (used to translate column names when they are label keys)."""
    return isinstance(key, str) and key in LABELS


def group_label(value: Any, column: str, lang: str) -> str:
    """Display name of a coded value: activity, source, status, region and measure codes are translated.

    Examples
    --------
    >>> group_label("fair", "activity", "en"), group_label("Đồng Nai", "province", "en")
    ('Fairs and exhibitions', 'Đồng Nai')
    """
    prefix = _GROUP_PREFIX.get(column)
    key = f"{prefix}{value}" if prefix else ""
    return label(key, lang) if has_label(key) else str(value)
