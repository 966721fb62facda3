"""Reader queries over the demo content (manage.py load_demo), each with the slugs of the
pages that should answer it: a right one among the first five results counts as found.

Written before the search was tuned (issue 15). Keep it growing as editors add content:
add what readers really typed (the search log, the feedback form), not what the search
already finds. `help` is the "被骗了怎么办" page, which the search promotes above the
materials for questions about what to do now.
"""

from typing import NamedTuple


class Query(NamedTuple):
    category: str
    language: str  # "zh-hans" or "en": the site the query is typed on
    text: str
    answers: tuple[str, ...]


POLICE = (
    "poster-police-no-phone-cases",
    "guide-elders-police-calls",
    "case-safe-account-stopped-at-bank",
    "alert-2026-10-medical-insurance-calls",
)
PENSION = (
    "poster-pension-investment",
    "guide-elders-pension-savings",
    "case-care-apartment-investment",
)
SCREEN = (
    "poster-screen-sharing",
    "video-refund-call",
    "case-refund-call-screen-sharing",
    "alert-2026-11-shopping-festival-claims",
)
CAMPUS_LOAN = ("case-campus-loan-cancellation",)
SEXTORTION = ("guide-sextortion",)
ROMANCE = ("case-pig-butchering-investment-group", "poster-online-dating")
ELDER_PRODUCTS = ("guide-elders-health-products-collectibles",)
CLICK_FARMING = (
    "poster-click-farming",
    "case-click-farming-linked-orders",
    "guide-students-part-time-jobs",
    "video-campus-part-time",
)
BANK_CARDS = ("poster-bank-cards", "guide-students-bank-cards", "video-campus-part-time")
GAMES = ("case-game-account-unfreeze-fee", "guide-students-games-and-loans")
FACE_SWAP = ("alert-2026-11-ai-face-swap", "guide-family-help-parents")
ACQUAINTANCES = (
    "alert-2026-11-ai-face-swap",
    "guide-family-help-parents",
    "case-fake-boss-chat-account",
    "video-three-nos",
    "alert-2026-09-new-students",
)
ELDERS = (
    "poster-police-no-phone-cases",
    "poster-pension-investment",
    "video-three-nos",
    "guide-elders-police-calls",
    "guide-elders-pension-savings",
    "guide-family-help-parents",
    "case-safe-account-stopped-at-bank",
    "case-care-apartment-investment",
    "alert-2026-10-medical-insurance-calls",
    "alert-2026-11-ai-face-swap",
)
STUDENTS = (
    "poster-screen-sharing",
    "poster-click-farming",
    "poster-bank-cards",
    "video-refund-call",
    "video-campus-part-time",
    "guide-students-part-time-jobs",
    "guide-students-bank-cards",
    "guide-students-games-and-loans",
    "case-refund-call-screen-sharing",
    "case-game-account-unfreeze-fee",
    "alert-2026-09-new-students",
    "alert-2026-11-shopping-festival-claims",
)


def zh(category, text, *answers):
    return Query(category, "zh-hans", text, tuple(answers))


def en(category, text, *answers):
    return Query(category, "en", text, tuple(answers))


QUERIES = [
    # --- questions, as readers ask them -------------------------------------------------
    zh("question", "已经转账了怎么办", "help", "video-refund-call", "guide-elders-police-calls"),
    zh("question", "接到自称公安的电话说我涉嫌洗钱", *POLICE),
    zh("question", "客服打电话说要给我退款是真的吗", *SCREEN),
    zh("question", "对方让我下载会议软件怎么办", *SCREEN),
    zh("question", "同学借我的银行卡走流水可以吗", *BANK_CARDS),
    zh("question", "网上认识的男朋友让我跟他一起投资", *ROMANCE),  # the case since #16
    zh("question", "做刷单兼职被骗了钱还能追回吗", "help", *CLICK_FARMING),
    zh("question", "我爸买了养老项目说是保本高息靠谱吗", *PENSION),
    zh("question", "收到航班取消的短信是真的吗", "alert-2026-09-flight-cancellation"),
    zh("question", "卖游戏账号对方要我先交解冻费", *GAMES),
    zh("question", "老板在微信群里让我马上转账给客户", "case-fake-boss-chat-account"),
    zh("question", "怎么帮爸妈防骗", "guide-family-help-parents"),
    zh("question", "医保卡异常的电话是诈骗吗", "alert-2026-10-medical-insurance-calls"),
    zh("question", "学生贷款秒到账靠谱吗", "guide-students-games-and-loans"),
    zh("question", "快递丢了客服说赔偿三倍运费", *SCREEN),
    zh("question", "妈妈被骗了怎么办", "help", "guide-family-help-parents"),
    # --- messages pasted from an SMS or a chat ----------------------------------------------
    zh(
        "pasted",
        "【江城公安】您好，您名下的银行卡涉嫌一起洗钱案件，已被冻结。请立即联系办案民警，"
        "配合调查，并将资金转入安全账户进行核查。本案属于机密，请勿告知家人，否则将承担"
        "法律责任。",
        *POLICE,
    ),
    zh(
        "pasted",
        "【XX快递】尊敬的客户，您的包裹在运输途中丢失，我司将为您办理三倍理赔。请添加客服"
        "QQ 2839015577，下载会议软件，按客服指导共享屏幕完成理赔操作。",
        *SCREEN,
    ),
    zh(
        "pasted",
        "【航空公司】尊敬的旅客，您预订的CA1234航班因机械故障取消，请致电4008-123-456办理"
        "改签，可获得300元延误补偿，办理时需提供银行卡号和验证码。",
        "alert-2026-09-flight-cancellation",
    ),
    zh(
        "pasted",
        "急招兼职！动动手指日赚300，在家就能做，学生宝妈优先。刷单返利，先垫付后返佣金，"
        "做完立刻结算。加微信了解详情。",
        *CLICK_FARMING,
    ),
    zh(
        "pasted",
        "妈，我换了新号，这是我新微信。我出了点事，急需用钱，你先转两万到我朋友的账户，"
        "别告诉爸，晚点视频给你解释。",
        *FACE_SWAP,
    ),
    zh(
        "pasted",
        "【健康养老服务中心】诚邀您参加健康讲座，免费领鸡蛋！康养公寓床位火热认购中，年化"
        "收益18%，保本保息，名额有限，先到先得。",
        *PENSION,
    ),
    zh(
        "pasted",
        "亲爱的，我在一个内部渠道的投资平台赚了不少，稳赚不赔，你也注册一个吧，我带你"
        "投资，先小额试试，提现很快的。",
        "poster-online-dating",
    ),
    zh(
        "pasted",
        "同学你好，有不用的银行卡吗？借我走个流水，一天给你500，不会有任何风险。手机卡也收，"
        "办张新卡给我，给你200。",
        *BANK_CARDS,
    ),
    zh(
        "pasted",
        "您好，我是收号的买家，您的游戏账号我出价1500元，请到这个交易平台注册交易。平台提示"
        "您的账户因信息填错被冻结，需要先交保证金解冻。",
        *GAMES,
    ),
    zh(
        "pasted",
        "【教务处】新生请注意，因学费多收，现统一办理退学费，请扫描群内收款码或点击链接办理，"
        "今日截止，过期不退。",
        "alert-2026-09-new-students",
    ),
    zh(
        "pasted",
        "这里是市医保局，您的医保卡在外地违规开药，涉嫌骗保，现将电话转接给公安局警官处理，"
        "请不要挂断。",
        "alert-2026-10-medical-insurance-calls",
        *POLICE,
    ),
    # --- Latin letters and digits next to Chinese -------------------------------------------
    zh("mixed", "AI换脸", "alert-2026-11-ai-face-swap", "guide-family-help-parents"),
    zh("mixed", "110", *POLICE, "video-refund-call", "guide-students-part-time-jobs"),
    zh("mixed", "U盾", "guide-students-bank-cards"),
    zh("mixed", "App退款", *SCREEN),
    zh("mixed", "QQ群兼职", "guide-students-part-time-jobs"),
    zh("mixed", "国家反诈中心App", "guide-family-help-parents"),
    zh("mixed", "再打110核实", "poster-police-no-phone-cases", *POLICE),
    zh("mixed", "年息18%康养公寓", "case-care-apartment-investment"),
    # --- the same words in another order -----------------------------------------------------
    zh("reordered", "屏幕共享", *SCREEN),
    zh("reordered", "账户安全 转账", *POLICE),
    zh("reordered", "返利刷单", *CLICK_FARMING),
    zh("reordered", "洗钱涉嫌", *POLICE),
    zh("reordered", "投资养老", *PENSION),
    zh("reordered", "理赔快递", *SCREEN),
    zh("reordered", "借钱视频换脸", *FACE_SWAP),
    zh("reordered", "出借银行卡", *BANK_CARDS),
    # --- topic and audience names -------------------------------------------------------------
    zh("topic", "冒充公检法", *POLICE),
    zh("topic", "老年人", *ELDERS),
    zh("topic", "学生", *STUDENTS),
    zh("topic", "刷单返利", *CLICK_FARMING),
    zh("topic", "养老投资诈骗", *PENSION),
    zh("topic", "冒充客服退款理赔", *SCREEN),
    zh("topic", "出租出借两卡", *BANK_CARDS),
    zh("topic", "网恋交友诱导投资", "poster-online-dating"),
    zh("topic", "游戏装备交易诈骗", *GAMES),
    zh("topic", "冒充熟人", *ACQUAINTANCES),
    zh("topic", "虚假贷款", "guide-students-games-and-loans"),
    # --- typos -----------------------------------------------------------------------------
    zh("typo", "刷单反利", *CLICK_FARMING),
    zh("typo", "公减法电话", *POLICE),
    zh("typo", "安全帐户", *POLICE),
    zh("typo", "共享瓶幕", *SCREEN),
    zh("typo", "冒冲客服", *SCREEN),
    # --- pinyin ----------------------------------------------------------------------------
    zh("pinyin", "yanglao", *PENSION),
    zh("pinyin", "shuadan", *CLICK_FARMING),
    zh("pinyin", "gongjianfa", *POLICE),
    zh("pinyin", "anquan zhanghu", *POLICE),
    zh("pinyin", "huanlian", *FACE_SWAP),
    # --- English, on the English site -------------------------------------------------------
    en("english", "safe account", "case-safe-account-stopped-at-bank", *POLICE),
    en("english", "screen sharing scams", *SCREEN),
    en("english", "scammed by click farming", "help", *CLICK_FARMING),
    en("english", "fake police phone call", *POLICE),
    en("english", "lending my bank card", *BANK_CARDS),
    en("english", "AI face swap", *FACE_SWAP),
    en("english", "flight cancelled text message", "alert-2026-09-flight-cancellation"),
    en("english", "retirement savings", *PENSION),
    en("english", "impersonating friends", *ACQUAINTANCES),
    en("english", "parcel claims", *SCREEN),
    # --- the four costly scams added to the demo for #16 (written before running them) -----
    zh("question", "客服说要注销校园贷不然影响征信", *CAMPUS_LOAN),
    zh("words", "注销学生贷款账户", *CAMPUS_LOAN),
    zh("question", "裸聊被录视频了怎么办", "help", *SEXTORTION),
    zh("pasted", "不给钱就把你的视频发给你通讯录里的所有人", *SEXTORTION),
    zh("pinyin", "luoliao", *SEXTORTION),
    zh("words", "杀猪盘", *ROMANCE),
    zh("question", "网上认识的男朋友带我投资", *ROMANCE),
    zh("question", "老人买保健品被骗", *ELDER_PRODUCTS),
    zh("words", "纪念币 回购", *ELDER_PRODUCTS),
    en("english", "sextortion", *SEXTORTION),
    en("english", "call about cancelling a student loan account", *CAMPUS_LOAN),
    en("english", "health supplements sold to elderly parents", *ELDER_PRODUCTS),
]
