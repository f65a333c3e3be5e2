"""The domain's fixed values (DOMAIN.md): what the code compares records against, named once.

These are data values, not display text: an export's own spellings are mapped onto them
on intake (``vocab/synonyms.yaml``), the text steps produce them, and the workbook shows
them as they are. Headers, titles and sentences people read live in ``labels/zh_CN.yaml``.
"""

from __future__ import annotations

# 回访状态, canonical after intake
VISIT_COMPLETED = "完成"
VISIT_REFUSED = "拒访"
VISIT_UNREACHABLE = "未接通"
VISIT_RESCHEDULED = "改约"

# a yes answer (一次性解决、方案认可), canonical after intake
YES = "是"

# 情感倾向 of a response
POSITIVE = "正面"
NEUTRAL = "中性"
NEGATIVE = "负面"
SENTIMENTS = (POSITIVE, NEUTRAL, NEGATIVE)

# 反馈类型 of a response
COMPLAINT = "投诉"
SUGGESTION = "建议"
INQUIRY = "咨询"
PRAISE = "表扬"
FEEDBACK_TYPES = (COMPLAINT, SUGGESTION, INQUIRY, PRAISE)

# 客户标签 the code reads (the rules that set them are vocab/tags.yaml's; a test keeps the two in step)
SUGGESTING_CUSTOMER = "改进建议积极客户"

# why a customer is in the next round's sample besides the draw
KEY_CUSTOMER = "重点客户"
