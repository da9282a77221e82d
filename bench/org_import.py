"""Benchmark: import 300 departments and 20,000 people from one XLSX, then re-import it.

    .venv/bin/python bench/org_import.py [--departments 300] [--people 20000]

By default it runs against a throw-away SQLite database in a temporary LIAISON_DATA_DIR
(migrated first, deleted afterwards), with the project's production SQLite settings
(WAL, synchronous=FULL). If DATABASE_URL is set, that database is used instead: it is
migrated and a new organization `bench-<timestamp>` is created in it and left there, so
point DATABASE_URL only at a throw-away database.

Goal: first import <= 20 s, re-import of the same file <= 10 s.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚斌鹏辉玲萍红琳颖秀英桂建国华文博志晓东海"
    "燕雪梅庆丹婷佳怡子涵欣浩然宇轩思远慧立新峰春振玉兰凤永亚楠俊雨梦瑶嘉一鸣天卫学淑"
    "芬美冬秋菊金宏家豪梓萱"
)

TOP = [
    (
        "NK",
        "内科",
        "临床科室",
        [
            "心血管内科",
            "呼吸与危重症医学科",
            "消化内科",
            "肾内科",
            "内分泌科",
            "神经内科",
            "血液科",
            "风湿免疫科",
            "老年医学科",
            "感染科",
        ],
    ),
    (
        "WK",
        "外科",
        "临床科室",
        [
            "普通外科",
            "骨科",
            "神经外科",
            "心胸外科",
            "泌尿外科",
            "烧伤整形科",
            "肝胆外科",
            "血管外科",
            "乳腺外科",
            "麻醉科",
        ],
    ),
    ("FCK", "妇产科", "临床科室", ["妇科", "产科", "生殖医学科", "新生儿科"]),
    ("EK", "儿科", "临床科室", ["儿内科", "儿外科", "儿童保健科"]),
    ("WG", "五官科", "临床科室", ["眼科", "耳鼻咽喉科", "口腔科"]),
    ("JZ", "急诊医学部", "临床科室", ["急诊科", "重症医学科", "院前急救科"]),
    (
        "YJ",
        "医技部",
        "医技科室",
        [
            "检验科",
            "放射科",
            "超声医学科",
            "病理科",
            "药剂科",
            "核医学科",
            "输血科",
            "营养科",
            "康复医学科",
        ],
    ),
    (
        "ZN",
        "行政职能部门",
        "职能科室",
        [
            "院长办公室",
            "医务部",
            "护理部",
            "质控办",
            "人力资源部",
            "财务部",
            "信息中心",
            "督查办",
            "科教部",
            "院感科",
            "医保办",
            "宣传科",
        ],
    ),
    ("HQ", "后勤保障部", "后勤科室", ["总务科", "设备科", "基建科", "保卫科", "采购中心"]),
    ("DQ", "党群工作部", "党群组织", ["党委办公室", "工会", "团委", "纪检监察室"]),
]
WARDS = ["一病区", "二病区", "三病区", "门诊", "实验室", "教研室"]


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build_workbook(department_count: int, people_count: int, seed: int = 7) -> bytes:
    """An XLSX with a department tree (top groups, departments, wards) and people."""
    import xlsxwriter

    from liaison.org.transfer import DEPARTMENT_COLUMNS, PEOPLE_COLUMNS

    rng = random.Random(seed)
    departments = []  # code, name, kind, parent
    for code, name, kind, subs in TOP:
        departments.append((code, name, kind, ""))
        for index, sub in enumerate(subs, start=1):
            departments.append((f"{code}{index:02d}", sub, kind, code))
    leaves = [d for d in departments if d[3]]
    while len(departments) < department_count:
        parent = leaves[(len(departments)) % len(leaves)]
        ward = WARDS[len([d for d in departments if d[3] == parent[0]]) % len(WARDS)]
        number = len([d for d in departments if d[3] == parent[0]]) + 1
        departments.append(
            (f"{parent[0]}-{number}", f"{parent[1]}{ward}{number}", parent[2], parent[0])
        )
    departments = departments[:department_count]
    codes = [d[0] for d in departments]

    people = []  # number, name, phone, email, title, [(code, role)]
    for index in range(people_count):
        number = f"{100000 + index}"
        code = codes[index % len(codes)]
        positions = [(code, "职员")]
        if rng.random() < 0.05:
            positions.append((rng.choice(codes), "职员"))
        people.append(
            [
                number,
                random_name(rng),
                f"138{index:08d}",
                f"u{number}@hospital.example" if rng.random() < 0.6 else "",
                "",
                positions,
            ]
        )
    heads, liaisons, leaders = {}, {}, {}
    for index, code in enumerate(codes):
        # People 0..n-1 work in department n; make one the head, the next the liaison.
        head = people[index]
        head[5][0] = (code, "科主任")
        heads[code] = head[0]
        liaison = people[index + len(codes)]
        liaison[5][0] = (code, "联络员")
        liaisons[code] = liaison[0]
        people[index + 2 * len(codes)][5][0] = (code, "护士长")
    president = people[-1]
    president[4] = "院长"
    vice = people[-12:-1]
    for person in vice:
        person[4] = "副院长"
    for index, code in enumerate(codes):
        leaders[code] = (president if index < 20 else vice[index % len(vice)])[0]

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("科室")
    sheet.write_row(0, 0, [c.header for c in DEPARTMENT_COLUMNS])
    for row, (code, name, kind, parent) in enumerate(departments, start=1):
        values = [
            code,
            name,
            "",
            kind,
            parent,
            heads[code],
            liaisons[code],
            leaders[code],
            f"8{row:03d}",
            "",
        ]
        for column, value in enumerate(values):
            if value:
                sheet.write_string(row, column, value)
    sheet = workbook.add_worksheet("人员")
    sheet.write_row(0, 0, [c.header for c in PEOPLE_COLUMNS])
    for row, (number, name, phone, email, title, positions) in enumerate(people, start=1):
        text = ";".join(f"{code}:{role}" for code, role in positions)
        for column, value in enumerate([number, name, phone, email, title, text]):
            if value:
                sheet.write_string(row, column, value)
    workbook.close()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-")
        os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from liaison.org.models import Organization
    from liaison.org.transfer import import_organization

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(
        code=f"bench-{int(time.time())}", name="基准测试医院"
    )

    started = time.perf_counter()
    data = build_workbook(args.departments, args.people)
    print(f"workbook: {len(data) / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s")

    for label in ("first import", "re-import"):
        started = time.perf_counter()
        result = import_organization(organization, [("bench.xlsx", data)])
        elapsed = time.perf_counter() - started
        if not result.ok:
            for error in result.errors[:20]:
                print(error)
            raise SystemExit(f"{label}: {len(result.errors)} errors")
        counts = ", ".join(f"{k}={v}" for k, v in result.counts().items() if v)
        print(f"{label}: {elapsed:.2f} s ({counts})")

    if temporary is not None:
        from django.db import connections

        connections.close_all()
        temporary.cleanup()


if __name__ == "__main__":
    main()
