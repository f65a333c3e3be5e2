"""Synthetic follow-up records for demos and tests.

The generator draws a latent satisfaction per contact and derives every score from it,
so scores correlate with each other, with NPS and with first-contact resolution. Some
weeks are slow (response-speed scores fall, customers complain about waiting) and one
agent is poor at attitude and clarity, so a report has something real to find.
Comments are composed from phrase banks per problem type and sentiment. All names and
phone numbers are invented. The output depends only on the arguments.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pandas as pd

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

NEGATIVE_CORES: dict[str, list[str]] = {
    "响应速度": [
        "报修后等了{n}天才有人上门",
        "电话打了{k}次都没人接",
        "工单提交后一直没人处理",
        "在线排队等了{m}分钟才接通",
        "催了好几次才回复",
        "问题反映上去迟迟没有回音",
        "处理速度太慢了",
        "客服回复很慢，一个问题拖了一个星期",
        "说好当天回电，结果第{n}天才打过来",
    ],
    "服务态度": [
        "客服态度很差，说话很不耐烦",
        "感觉在敷衍我，问什么都说不清楚",
        "打过去被推诿，说不归他们管",
        "对方语气很冲，听着很不舒服",
        "问了两句就直接挂电话了",
        "几个部门之间踢皮球，没人愿意负责",
        "服务人员爱答不理的",
    ],
    "专业能力": [
        "师傅看起来不专业，第一次没修好",
        "修了两次还是老样子，又坏了",
        "客服对业务不懂，答非所问",
        "问技术问题一问三不知",
        "工程师判断错了故障原因，白跑一趟",
        "解释不清楚到底是什么问题",
    ],
    "流程漏洞": [
        "办理流程繁琐，材料太多",
        "来回跑了好几趟才办完",
        "同样的资料要重复提交",
        "电话被转来转去，每次都要重新说一遍",
        "审核太久，环节太多",
        "手续麻烦，网上说的和窗口说的不一样",
    ],
    "产品功能": [
        "APP经常闪退，登录不了",
        "更新后数据同步失败，记录都没了",
        "系统老是报错，页面打不开",
        "用起来很卡顿，功能也经常用不了",
        "设备又出故障了，才用了{n}个月",
    ],
    "操作咨询": [
        "不会用新版的功能，找不到入口",
        "说明书看不懂，不知道怎么设置",
        "不知道怎么操作自助办理",
        "老人家不会操作，希望能有人教一下",
    ],
    "账单疑问": [
        "这个月账单多扣了{n}十块钱",
        "扣费明细看不明白，收费不明",
        "账单和说好的不一样",
        "发票一直开不出来",
        "莫名其妙被扣费，也没人解释",
    ],
    "价格异议": [
        "价格太贵了，比别家贵不少",
        "维修收费高，感觉不划算",
        "套餐性价比低，老客户也没优惠",
        "上门费太贵了",
    ],
    "物流配送": [
        "快递送了{n}天才到",
        "配件物流太慢，等了一个多星期",
        "包装破损，东西磕坏了",
        "快递送错地址了",
    ],
    "售后服务": [
        "申请退换货一直没进展",
        "退款拖了{n}个星期还没到账",
        "保修期内还要收维修费",
        "配件没货，一直等着",
        "上门时间改了好几次",
    ],
    "支付体验": [
        "手机上支付失败了好几次",
        "付款页面一直转圈，付不了款",
        "出现了重复支付，还得自己申请退回",
        "绑定银行卡后无法支付",
    ],
}
OPENERS_NEG = ["", "", "说实话，", "我想反映一下，", "这次体验不太好，", "有点失望，", "上次的问题，"]
CLOSERS_NEG = ["", "", "希望尽快解决。", "希望你们重视一下。", "太耽误事了。", "很影响使用。", "希望给个说法。", "下次不想再这样了。"]
MIXED_OPENERS = ["整体还行，不过", "问题最后解决了，但是", "服务还可以，就是", "基本满意，只是", "还算可以，但"]
PRAISE_CORES = [
    "客服态度很好，很耐心地解答了我的问题",
    "师傅很专业，一次就修好了",
    "响应很快，当天就处理好了",
    "解释得很清楚，我一听就明白了",
    "上门很准时，还把现场收拾干净了",
    "办理很顺利，没让我多跑",
    "工作人员热情周到，值得表扬",
    "问题解决得很彻底，到现在都没再出现",
    "回访很及时，感觉被重视",
    "{agent_title}很负责，还主动留了跟进方式",
]
PRAISE_OPENERS = ["", "", "", "这次", "总的来说，", "说实话，", "没想到", "和上次比，"]
MILD_REMARKS = [
    "就是打电话的时间不太方便",
    "就是等的时间稍微长了点",
    "希望以后也保持",
    "小问题也很快处理了",
    "整体不错",
    "如果能再快一点就更好了",
    "就是收费说明可以再清楚些",
    "没什么意见",
]
PRAISE_CLOSERS = ["", "", "谢谢！", "给你们点赞。", "会推荐给朋友。", "非常满意。", "辛苦了。"]
NEUTRAL_CORES = ["没什么意见", "挺好的", "还行吧", "一般般，能用就行", "没有别的问题了", "暂时没有需要"]
SUGGESTIONS = [
    "希望能增加晚上的服务时间",
    "建议上门前提前电话确认时间",
    "能不能在APP里直接查看维修进度",
    "希望能简化办理流程",
    "建议增加在线视频指导",
    "希望老客户能有些优惠",
    "建议账单写得再清楚一点",
    "能不能周末也安排上门",
    "希望客服培训一下业务知识",
    "建议出一个常见问题的图文说明",
    "希望有专门的VIP服务通道",
    "能不能短信通知处理进度",
    "建议增加支付宝支付方式",
]
REFUSAL_COMMENTS = ["客户表示没时间", "客户不愿意接受回访", "客户说以后不要再打了"]
AGENT_TITLES = ["回访的客服", "这位师傅", "工作人员", "接待我的小姑娘"]
PRIVATE_TAILS = [
    "有问题可以打我电话{phone}",
    "我叫{name}，麻烦再联系我一下",
    "联系我：{phone}",
]


@dataclass(frozen=True)
class DemoSpec:
    """What to generate.

    Attributes:
        weeks: number of whole Monday-Sunday weeks.
        rows_per_week: average number of follow-up contacts per week.
        seed: random seed; the same spec gives the same records.
        end: the last day of the data (its week is the last one generated).
    """

    weeks: int = 10
    rows_per_week: int = 300
    seed: int = 7
    end: date = date(2026, 11, 22)


def generate_demo_records(spec: DemoSpec) -> pd.DataFrame:
    """Generate synthetic follow-up records with canonical English column names.

    Args:
        spec: how many weeks and rows, the seed and the end date.

    Returns:
        One row per follow-up contact, sorted by visit time.
    """
    rng = np.random.default_rng(spec.seed)
    week_end = spec.end
    first_monday = week_end - timedelta(days=week_end.weekday()) - timedelta(weeks=spec.weeks - 1)
    slow_weeks = {spec.weeks - 1, max(0, spec.weeks - 5)}
    agents = [f"KF{i:03d}" for i in range(1, AGENT_COUNT + 1)]
    agent_effect = {a: float(rng.normal(0, 0.15)) for a in agents}
    customers = _customer_pool(rng, max(50, int(spec.weeks * spec.rows_per_week * 0.7)))

    rows: list[dict[str, object]] = []
    for week in range(spec.weeks):
        count = int(rng.poisson(spec.rows_per_week))
        monday = first_monday + timedelta(weeks=week)
        for _ in range(count):
            day = monday + timedelta(days=int(rng.integers(0, 7)))
            if day > week_end:
                day = week_end
            rows.append(_draw_contact(rng, day, week in slow_weeks, agents, agent_effect, customers))
    frame = pd.DataFrame(rows).sort_values("visit_at", kind="stable").reset_index(drop=True)
    days = frame["visit_at"].dt.strftime("%Y%m%d")
    frame.insert(0, "record_id", ["HF" + day + f"{i:05d}" for i, day in enumerate(days)])
    for column in ("visit_at", "service_completed_at"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M")
    return _add_export_flaws(rng, frame)


def _add_export_flaws(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Make the export as imperfect as real ones: unanswered questions, typos, repeats.

    About 3 % of completed contacts stop before the satisfaction questions, about
    0.3 % of rows carry an impossible score, and a few rows are exported twice.
    """
    flawed = frame.astype(object)
    completed = flawed.index[flawed["status"].eq("完成")]
    hung_up = rng.choice(completed, size=int(len(completed) * 0.03), replace=False)
    flawed.loc[hung_up, ["overall_satisfaction", "nps"]] = None
    typo_rows = rng.choice(completed.difference(hung_up), size=max(1, int(len(flawed) * 0.003)), replace=False)
    impossible = (0, 6, 55)
    flawed.loc[typo_rows, "overall_satisfaction"] = [impossible[int(rng.integers(0, len(impossible)))] for _ in typo_rows]
    repeats = flawed.loc[rng.choice(flawed.index, size=max(1, len(flawed) // 500), replace=False)]
    result = pd.concat([flawed, repeats]).sort_values("visit_at", kind="stable").reset_index(drop=True)
    numeric = [*DIMENSIONS, "overall_satisfaction", "nps"]
    result[numeric] = result[numeric].astype("Int64")
    return result


@dataclass(frozen=True)
class _Choices:
    """Options with the cumulative probabilities ``Generator.choice(options, p=...)`` draws from."""

    options: tuple[str, ...]
    cdf: tuple[float, ...]


def _choices(options: Sequence[str], p: Sequence[float] | np.ndarray) -> _Choices:
    """Precompute a weighted draw exactly as ``Generator.choice`` does (cumsum, normalised by its last value)."""
    cdf = np.asarray(p, dtype=np.float64).cumsum()
    cdf /= cdf[-1]
    return _Choices(tuple(options), tuple(cdf.tolist()))


@cache
def _weighted(name: str) -> _Choices:
    """The weighted draw of one of the module's share tables, normalised by their sum first."""
    weights = {
        "service": {k: v[0] for k, v in SERVICE_TYPES.items()},
        "status": STATUSES,
        "channel": CHANNELS,
    }[name]
    return _choices(list(weights), np.array(list(weights.values())) / sum(weights.values()))


def _draw(rng: np.random.Generator, choices: _Choices) -> str:
    """``str(rng.choice(options, p=p))``, drawing the same single uniform from the same stream, without its overhead."""
    return choices.options[bisect_right(choices.cdf, rng.random())]


def _one_of(rng: np.random.Generator, options: Sequence[str]) -> str:
    """``str(rng.choice(options))``: the same single integer draw from the same stream, without its overhead."""
    return options[int(rng.integers(0, len(options)))]


_CUSTOMER_TYPE_CHOICES = _choices(list(CUSTOMER_TYPES), list(CUSTOMER_TYPES.values()))
_PHONE_SECOND_DIGITS = "3456789"


def _customer_pool(rng: np.random.Generator, size: int) -> list[dict[str, str]]:
    """Invent customers: id, name, phone and type."""
    pool = []
    for i in range(size):
        surname = SURNAMES[int(rng.integers(0, len(SURNAMES)))]
        given = "".join(GIVEN_CHARS[j] for j in rng.integers(0, len(GIVEN_CHARS), size=int(rng.integers(1, 3))))
        phone = f"1{_one_of(rng, _PHONE_SECOND_DIGITS)}{int(rng.integers(0, 10**9)):09d}"
        pool.append(
            {
                "customer_id": f"CS2026{i + 1:05d}",
                "customer_name": surname + given,
                "phone": phone,
                "customer_type": _draw(rng, _CUSTOMER_TYPE_CHOICES),
            }
        )
    return pool


def _draw_contact(
    rng: np.random.Generator,
    day: date,
    slow_week: bool,
    agents: list[str],
    agent_effect: dict[str, float],
    customers: list[dict[str, str]],
) -> dict[str, object]:
    """One follow-up contact with consistent scores, status and comment."""
    customer = customers[int(rng.integers(0, len(customers)))]
    service = _draw(rng, _weighted("service"))
    agent = agents[int(rng.integers(0, len(agents)))]
    visit_at = datetime(day.year, day.month, day.day, int(rng.integers(9, 20)), int(rng.integers(0, 60)))
    if service == "投诉处理":  # complaints are called back soon after they are resolved, mostly within 2 h
        lag_hours = float(rng.uniform(0.3, 1.9)) if rng.random() > 0.15 else float(rng.uniform(2.5, 8))
    else:
        lag_hours = float(rng.uniform(20, 75)) if rng.random() > 0.08 else float(rng.uniform(76, 150))
    status = _draw(rng, _weighted("status"))
    channel = _draw(rng, _weighted("channel"))
    record: dict[str, object] = {
        **customer,
        "service_type": service,
        "service_completed_at": visit_at - timedelta(hours=lag_hours),
        "visit_at": visit_at,
        "visitor": agent,
        "channel": channel,
        "purpose": _one_of(rng, PURPOSES[service]),
        "status": status,
    }
    empty = dict.fromkeys(
        (*DIMENSIONS, "first_contact_resolved", "solution_accepted", "overall_satisfaction", "nps", "comment", "suggestion", "emotion"),
        None,
    )
    if status != "完成":
        record.update(empty)
        if status == "拒访" and rng.random() < 0.5:
            record["comment"] = _one_of(rng, REFUSAL_COMMENTS)
        return record
    record.update(_draw_answers(rng, service, agent, slow_week, agent_effect[agent], customer))
    return record


def _draw_answers(
    rng: np.random.Generator, service: str, agent: str, slow_week: bool, agent_effect: float, customer: dict[str, str]
) -> dict[str, object]:
    """A completed contact's scores, NPS, answers, comment and emotion, consistent with one latent satisfaction."""
    latent = float(rng.normal(0, 1)) + SERVICE_TYPES[service][1] + agent_effect
    effects = {d: 0.0 for d in DIMENSIONS}
    if slow_week:
        effects["score_speed"] -= 1.3
    if agent == BAD_AGENT:
        latent -= 0.3
        effects["score_attitude"] -= 1.6
        effects["score_clarity"] -= 1.0
    if service == "售后维修":
        effects["score_professional"] -= 0.3
    # plain min/max and sum/len give the same numbers as np.clip / np.mean, without their per-call overhead
    scores = {d: _clip(round(3.95 + 0.75 * latent + effects[d] + rng.normal(0, 0.55)), 1, 5) for d in DIMENSIONS}
    overall = _clip(round(sum(scores.values()) / len(scores) + 0.25 * latent + rng.normal(0, 0.35)), 1, 5)
    nps = _clip(round(2.3 * overall - 1.4 + rng.normal(0, 1.1)), 0, 10)
    fcr_yes = {1: 0.1, 2: 0.25, 3: 0.5, 4: 0.78, 5: 0.92}[overall]
    return {
        **scores,
        "overall_satisfaction": overall,
        "nps": nps,
        "first_contact_resolved": _yes_no_unsure(rng, fcr_yes),
        "solution_accepted": _yes_no_unsure(rng, min(0.97, fcr_yes + 0.08)),
        "comment": _compose_comment(rng, overall, scores, service, customer),
        "suggestion": _one_of(rng, SUGGESTIONS) if rng.random() < 0.22 else None,
        "emotion": _emotion(rng, overall),
    }


def _clip(value: int, low: int, high: int) -> int:
    return min(high, max(low, value))


def _yes_no_unsure(rng: np.random.Generator, p_yes: float) -> str:
    draw = rng.random()
    if draw < 0.05:
        return "不确定"
    return "是" if draw < 0.05 + p_yes * 0.95 else "否"


_EMOTIONS_LOW = _choices(["激动", "焦急", "不满", "平和"], [0.35, 0.25, 0.3, 0.1])
_EMOTIONS_MIXED = _choices(["平和", "焦急"], [0.8, 0.2])
_EMOTIONS_HIGH = _choices(["平和", "愉快"], [0.6, 0.4])


def _emotion(rng: np.random.Generator, overall: int) -> str:
    if overall <= 2:
        return _draw(rng, _EMOTIONS_LOW)
    if overall == 3:
        return _draw(rng, _EMOTIONS_MIXED)
    return _draw(rng, _EMOTIONS_HIGH)


def _fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        n=int(rng.integers(2, 6)),
        k=int(rng.integers(3, 7)),
        m=int(rng.integers(25, 60)),
        agent_title=_one_of(rng, AGENT_TITLES),
    )


def _problem_for(rng: np.random.Generator, scores: dict[str, int], service: str) -> str:
    """The problem a dissatisfied customer talks about: their worst dimension, or a service-typical one."""
    worst = min(scores, key=lambda d: (scores[d], rng.random()))
    if scores[worst] <= 3 and rng.random() < 0.7:
        return DIMENSION_PROBLEM[worst]
    return _one_of(rng, SERVICE_PROBLEMS[service])


def _compose_comment(
    rng: np.random.Generator,
    overall: int,
    scores: dict[str, int],
    service: str,
    customer: dict[str, str],
) -> str | None:
    """Compose a customer comment whose sentiment matches the overall score."""
    if rng.random() < 0.1:
        return None
    if overall <= 2:
        problem = _problem_for(rng, scores, service)
        text = (_one_of(rng, OPENERS_NEG) + _fill(rng, _one_of(rng, NEGATIVE_CORES[problem])) + "，" + _one_of(rng, CLOSERS_NEG)).rstrip(
            "，"
        )
        if rng.random() < 0.3:
            second = _problem_for(rng, scores, service)
            if second != problem:
                text = text.rstrip("。") + "。另外" + _fill(rng, _one_of(rng, NEGATIVE_CORES[second])) + "。"
    elif overall == 3:
        problem = _problem_for(rng, scores, service)
        text = _one_of(rng, MIXED_OPENERS) + _fill(rng, _one_of(rng, NEGATIVE_CORES[problem])) + "。"
    elif overall == 4 and rng.random() < 0.35:
        text = _one_of(rng, PRAISE_OPENERS) + _fill(rng, _one_of(rng, PRAISE_CORES)) + "，" + _one_of(rng, MILD_REMARKS) + "。"
    elif rng.random() < 0.15:
        text = _one_of(rng, NEUTRAL_CORES) + "。"
    else:
        first, second = rng.choice(len(PRAISE_CORES), size=2, replace=False)
        text = _one_of(rng, PRAISE_OPENERS) + _fill(rng, PRAISE_CORES[int(first)])
        if rng.random() < 0.35:
            text += "，" + _fill(rng, PRAISE_CORES[int(second)])
        text = (text + "，" + _one_of(rng, PRAISE_CLOSERS)).rstrip("，")
    if overall <= 3 and rng.random() < 0.06:
        tail = _one_of(rng, PRIVATE_TAILS).format(phone=customer["phone"], name=customer["customer_name"])
        text = text.rstrip("。") + "，" + tail + "。"
    return text
