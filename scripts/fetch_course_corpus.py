"""Recreate /work/bench_docs/course, the database-course benchmark (tests/data/course_questions.jsonl).

The documents are real public Chinese course files on one subject, 数据库系统 (database systems):
the slide decks of 王珊/萨师煊《数据库系统概论》 exported to PDF by PowerPoint, an SQL exercise sheet, a
Beamer handout, and a student's homework answers, lab reports and project deck for a course built on
that textbook. They are not committed; this table records where each came from.

The mirrors are the git directories that the session's `fetch` tool brought to
/work/.mirror/<owner>+<name>/repo (fetch github:<owner>/<name>); each file is read with
`git show <commit>:<path>` and checked against its sha256. Neither repository states a licence
(no LICENSE file, no licence in the README): the files are used here for local measurement only.

    python scripts/fetch_course_corpus.py             # writes /work/bench_docs/course
    python scripts/fetch_course_corpus.py --out DIR
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

MIRRORS = Path("/work/.mirror")
COMMITS = {
    "jingmingcn/db-hugo-s23": "6eacb4a9b65af0a3c9c143cc21f8b43f8363154e",
    "Steven-Zhl/YNU_CoursesLib": "12ea5d7dddf76a6c43c4f8124761008926954a1b",
}
LICENCES = {"jingmingcn/db-hugo-s23": "none stated", "Steven-Zhl/YNU_CoursesLib": "none stated"}
# (file name here, repository, path in the repository, sha256)
FILES: list[tuple[str, str, str, str]] = [
    (
        "王珊-ch02-关系数据库.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_2.pdf",
        "78e29fc7f4adcabcb8d4cc2d25a70baecbc908a0756edeca428dfc44e00649d4",
    ),
    (
        "王珊-ch03-1-SQL.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_3_1.pdf",
        "4ab710c4d41bc855118c34b6336a1f95c21f3914d3c0847d2d9d28a536ae46f4",
    ),
    (
        "王珊-ch03-2-SQL.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_3_2.pdf",
        "99e9e3daa635c346f366d446859b4860d28e0c336f6a0634eca757d49d86fe7f",
    ),
    (
        "王珊-ch03-3-SQL.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_3_3.pdf",
        "4e7c5eb158dd3aebbc4718bccf7c89e30181db11df81ca98938b1e5df68a964d",
    ),
    (
        "王珊-ch04-安全性.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_4.pdf",
        "bafed689674d9d7de8b231a50a9d7ecc6ab3e9b78c2620732cf58e01df50eb83",
    ),
    (
        "王珊-ch05-完整性.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_5.pdf",
        "3227067d23013f6d11a9e557a901ca6e50e7496346c80f11d9341ef7ec523e68",
    ),
    (
        "王珊-ch07-2-数据库设计.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_7_2.pdf",
        "55aa5beaf9cb0d01b71a2b9dfd000f264ab493bf054d18173eaf86f42cd0c66e",
    ),
    (
        "王珊-ch08-数据库编程.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_8.pdf",
        "258b5e107adc6cc55edbbd4f595ce0c213b25c5bbd768da3b2290f9fc31a3be2",
    ),
    (
        "王珊-ch09-查询优化.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_9.pdf",
        "146556658f86ecfa3d8d8f6ef2c16afcf892016669e0e0e4546a2bd10744c247",
    ),
    (
        "王珊-ch10-恢复技术.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_10.pdf",
        "f477b5d4372a9263ba0984697e8c6bcfadd08a53a7a14cb9160514455258309a",
    ),
    (
        "王珊-ch11-并发控制.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db_slides/ch_11.pdf",
        "496f077e3597ea8b05457d00ccc19d57e733651637938cf424a288f40d8410b1",
    ),
    (
        "DB_SQL_w_Answer.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/DB_SQL_w_Answer.pdf",
        "b8083f400532717b8a3027538bc999a8d3473899eb4fc3baf9a8c50898aefe07",
    ),
    (
        "DB_SQL.docx",
        "jingmingcn/db-hugo-s23",
        "static/file/DB_SQL.docx",
        "f7e382d6e309d9db95c43b94c175e76a8eeb499b83ad6d1d5ace3a4636b0384d",
    ),
    (
        "db-s21-随堂课件.pdf",
        "jingmingcn/db-hugo-s23",
        "static/file/db-s21.pdf",
        "004e052ca1059d4b2696eb0fd3bb1fc3ccaab5e295a2b9cd76aaaecfe1aa4485",
    ),
    (
        "作业1.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业1.docx",
        "0740025706f64b192e739b034d87ba5fc9ed14201577e89d0fd1f41580c4fb7b",
    ),
    (
        "作业2.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业2.docx",
        "77399507382581fb528c4994ed0880423cc8caaf6698b871512e1c3d72838129",
    ),
    (
        "作业3.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业3.docx",
        "799eb1acdc7f058fd1b0e8b45a58c17b4be4953856d81961572817e628781386",
    ),
    (
        "作业4.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业4.docx",
        "25123328d057a323f98176b4cf7ef8dfcfad96785f4819d3a26612934cf06521",
    ),
    (
        "作业5.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业5.docx",
        "4300dd5ccb00e563f13f3749ae3aeec5ba45b115790fa870041ea594380a33a1",
    ),
    (
        "作业6.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业6.docx",
        "73df90b77a5de72ddd72abb745a1441305d06c2cd774811aaea2a99c78c71f7a",
    ),
    (
        "作业7.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业7.docx",
        "23428f403b85c595c0b6955f90a773ff97d72c7bd5e1ac2ea80a75957801e6cc",
    ),
    (
        "作业9.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业9.docx",
        "d56e763216f58eef5acb5037adaebde27677e22934919a91cb8ce089f7748041",
    ),
    (
        "作业10.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业10.docx",
        "67dcbe72d3714f5af157787183647f770130fba5bdc7078b0177c34d0550b06a",
    ),
    (
        "作业11.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/作业/作业11.docx",
        "4dba6c267606d7257fde32fe16a84f4692157cd7b0179579ba94487da1c25a95",
    ),
    (
        "实验1-报告.pdf",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验1/Report.pdf",
        "f2de411e08a476065fb1da6881a8c88fdb1222030e5fd4eb380f08495fad6faa",
    ),
    (
        "实验2-报告.pdf",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验2/Report.pdf",
        "cf221b2d4a85678445d3eaecd9760b581ee87b406ee2cf3ea840e03512b0a6fa",
    ),
    (
        "实验3-报告.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验3/Report.docx",
        "02322844969efef3bca0b0798e92c25d4ff9307aa8e63f6e031401bd1944ee52",
    ),
    (
        "实验5-报告.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验5/Report.docx",
        "3e62d622c3420ae95483d203bdbc411b683bb57eff78cbe2843bec775d2d3b21",
    ),
    (
        "实验7-报告.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验7/Report.docx",
        "473323ef23363cc6b36cacf10a8b334d8d17f5a2602c0c8e607148eed89aad7e",
    ),
    (
        "实验9-报告.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验9/Report.docx",
        "b374d3ffa72c42e8b6b8f273521abed34c39713907787e32912dd68fb16c7499",
    ),
    (
        "大作业要求.docx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验10-期末综合实验/Documents/数据库技术实验-大作业要求.docx",
        "bdddd90091ceac8c5c2cc9fdf62539a0344774f29390d2ae2dc8d57d179596c9",
    ),
    (
        "大作业演示.pptx",
        "Steven-Zhl/YNU_CoursesLib",
        "数据库技术/实验10-期末综合实验/Documents/数据库技术实验-大作业演示.pptx",
        "c02a24956005ea05cc7a4a8cc16f1b0e95db0d3aca5b4f9327e911935d27de8e",
    ),
]


def mirror(mirrors: Path, repo: str) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/work/bench_docs/course"))
    parser.add_argument("--mirrors", type=Path, default=MIRRORS, help=f"the git mirrors (default {MIRRORS})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name, repo, path, sha256 in FILES:
        git_dir = mirror(args.mirrors, repo)
        if not git_dir.is_dir():
            print(f"{name}: no mirror of {repo}; run the fetch tool on github:{repo}")
            failures += 1
            continue
        command = ["git", f"--git-dir={git_dir}", "show", f"{COMMITS[repo]}:{path}"]
        result = subprocess.run(command, capture_output=True, check=False)
        if result.returncode != 0 or hashlib.sha256(result.stdout).hexdigest() != sha256:
            print(f"{name}: {repo}:{path} missing or changed")
            failures += 1
            continue
        (args.out / name).write_bytes(result.stdout)
    print(f"{len(FILES) - failures} of {len(FILES)} files in {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
