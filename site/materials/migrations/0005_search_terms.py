"""The scam vocabulary the search keeps whole and warns on (issue 15), with a first set
of terms; editors (Editors and Moderators) extend it under Snippets → Search terms."""

from django.db import migrations, models


# term, synonyms, sign of fraud in a pasted message ("alone", "paired" or "")
TERMS = [
    ("安全账户", ["安全帐户", "核查账户", "清查账户", "safe account"], "alone"),
    ("共享屏幕", ["屏幕共享", "开启屏幕共享", "share your screen", "screen sharing"], "alone"),
    ("会议软件", ["腾讯会议", "视频会议软件", "会议app"], "paired"),
    ("验证码", ["校验码", "动态码", "短信码"], "paired"),
    ("转账", ["汇款", "打款", "转钱", "转入"], "paired"),
    ("刷单", ["刷单返利", "点赞返利", "做任务返佣金", "click farming"], "alone"),
    ("返利", ["返佣金", "返现", "佣金"], "paired"),
    ("垫付", ["垫钱", "先充值", "先垫付"], "paired"),
    ("冒充公检法", ["公检法", "假警察", "冒充警察"], "alone"),
    ("涉嫌洗钱", ["洗钱", "涉嫌犯罪"], "alone"),
    ("通缉令", ["逮捕令", "冻结令"], "alone"),
    ("保密", ["不要告诉家人", "别告诉", "不许告诉", "机密"], "paired"),
    ("杀猪盘", ["网恋投资", "交友投资", "稳赚平台"], "alone"),
    ("稳赚不赔", ["稳赚", "内部渠道", "保本高息", "保本保息"], "alone"),
    ("解冻费", ["解冻", "保证金"], "paired"),
    ("走流水", ["借卡", "租卡", "收卡", "出租出借两卡", "两卡"], "alone"),
    ("理赔", ["三倍理赔", "赔偿", "退款理赔"], "paired"),
    ("退款", ["退费", "退学费"], "paired"),
    ("航班取消", ["航班因故取消", "改签"], "paired"),
    ("医保卡", ["医保局"], "paired"),
    ("换了新号", ["换新号", "新号码", "新微信"], "paired"),
    ("急需用钱", ["急用钱", "借钱"], "paired"),
    ("收款码", ["扫码付款", "扫描收款码"], "paired"),
    ("冒充熟人", ["冒充亲友", "冒充领导", "冒充老板"], ""),
    ("ai换脸", ["换脸", "深度伪造", "face swap"], ""),
    ("u盾", ["网银盾"], ""),
    ("qq群", [], ""),
    ("养老项目", ["养老投资", "康养公寓", "以房养老"], ""),
    ("网贷", ["学生贷", "校园贷", "网络贷款"], ""),
    ("游戏账号", ["游戏装备", "收号"], ""),
    ("国家反诈中心", ["反诈中心app", "国家反诈中心app"], ""),
]

GRANTS = {
    "Editors": ["view_searchterm", "add_searchterm", "change_searchterm"],
    "Moderators": ["view_searchterm", "add_searchterm", "change_searchterm", "delete_searchterm"],
}


def add_terms(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    SearchTerm = apps.get_model("materials", "SearchTerm")
    for term, synonyms, signal in TERMS:
        SearchTerm.objects.get_or_create(
            term=term, defaults={"synonyms": "\n".join(synonyms), "scam_signal": signal}
        )
    app_config = apps.get_app_config("materials")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="materials", codename__in=codenames
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ('materials', '0004_help_page'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(max_length=60, unique=True, verbose_name='term')),
                ('synonyms', models.TextField(blank=True, help_text='Other ways readers write it, one a line (屏幕共享 for 共享屏幕, 帐户 for 账户): a search for any of them finds pages with any other.', verbose_name='synonyms')),
                ('scam_signal', models.CharField(blank=True, choices=[('', 'Not a sign of fraud by itself'), ('alone', 'A sign of fraud on its own'), ('paired', 'A sign of fraud together with another such term')], default='', help_text='Whether a message that contains it is shown the warning 这很可能是诈骗.', max_length=10, verbose_name='in a pasted message')),
            ],
            options={
                'verbose_name': 'search term',
                'verbose_name_plural': 'search terms',
                'ordering': ['term'],
            },
        ),
        migrations.RunPython(add_terms, migrations.RunPython.noop),
    ]
