"""Who and what the demo records are drawn from: service types, channels, statuses, agents and names.

Shares are the chance of each value; a service type also shifts the latent satisfaction. All
names are invented.
"""

from __future__ import annotations

SERVICE_TYPES: dict[str, tuple[float, float]] = {
    # service type: (share of contacts, effect on latent satisfaction)
    "售后维修": (0.28, -0.15),
    "业务办理": (0.22, 0.05),
    "投诉处理": (0.12, -0.55),
    "新客户激活": (0.14, 0.25),
    "长期客户维护": (0.14, 0.35),
    "业务变更通知": (0.10, 0.0),
}
PURPOSES = {
    "售后维修": ["维修效果确认", "上门服务满意度调查", "故障是否复发确认"],
    "业务办理": ["办理结果确认", "办理体验调查"],
    "投诉处理": ["投诉处理结果确认", "解决方案满意度确认"],
    "新客户激活": ["新客户使用指导", "开通情况确认"],
    "长期客户维护": ["季度关怀回访", "需求了解"],
    "业务变更通知": ["变更告知确认", "变更影响答疑"],
}
# Problem types a service type tends to produce, besides the score-driven ones.
SERVICE_PROBLEMS = {
    "售后维修": ["售后服务", "专业能力", "物流配送"],
    "业务办理": ["流程漏洞", "产品功能", "支付体验"],
    "投诉处理": ["服务态度", "流程漏洞", "账单疑问"],
    "新客户激活": ["操作咨询", "产品功能", "支付体验"],
    "长期客户维护": ["价格异议", "账单疑问", "产品功能"],
    "业务变更通知": ["账单疑问", "价格异议", "操作咨询"],
}
CHANNELS = {"电话": 0.58, "短信问卷": 0.15, "在线客服": 0.12, "APP": 0.09, "邮件": 0.06}
STATUSES = {"完成": 0.78, "未接通": 0.13, "拒访": 0.07, "改约": 0.02}
CUSTOMER_TYPES = {"老客户": 0.55, "新客户": 0.30, "VIP客户": 0.15}
AGENT_COUNT = 12
BAD_AGENT = "KF007"
DIMENSIONS = ("score_speed", "score_professional", "score_clarity", "score_attitude")
DIMENSION_PROBLEM = {
    "score_speed": "响应速度",
    "score_attitude": "服务态度",
    "score_professional": "专业能力",
    "score_clarity": "流程漏洞",
}

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
) + ["欧阳", "司马", "诸葛", "上官"]
GIVEN_CHARS = list(
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建文红琴云飞宇浩然子轩梓涵欣怡佳琪思远博文嘉怡晨阳俊杰雨桐一诺"
)
