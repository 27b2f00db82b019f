"""A numbered list quoted to its passage's end goes on with its next items from the next passage."""

from kb.answering.evidence import Evidence
from kb.answering.list_rest import with_list_rest
from kb.answering.units import enumeration
from kb.types import Hit, Passage

LIST = "推荐使用非对称加密。完整流程如下：\n1. 服务端生成公私钥对\n2. 客户端用公钥加密密码\n3. 服务端用私钥解密"
NEXT = "4. 服务端对原始密码加盐哈希后存储\n\n完整的安全方案\n5. 这一行是另一件事"


def _document() -> tuple[Passage, Passage]:
    first = Passage(1, "d", "T", "d.md", 0, len(LIST), LIST)
    second = Passage(2, "d", "T", "d.md", len(LIST) + 1, len(LIST) + 1 + len(NEXT), NEXT)
    return first, second


def test_the_next_items_are_quoted_from_the_next_passage_and_cited_to_it():
    first, second = _document()
    beside = {(1, 1): second}
    listed = Evidence(LIST[10:], first, 1, 10, len(LIST), citations=(1,))
    quoted, hits = with_list_rest([listed], [Hit(1, 1.0, first)], lambda p, step: beside.get((p.id, step)), 300)
    assert [q.text for q in quoted] == [LIST[10:], "4. 服务端对原始密码加盐哈希后存储"]
    assert quoted[1].citations == (2,) and [h.passage.id for h in hits] == [1, 2]
    assert NEXT[quoted[1].start - second.start : quoted[1].end - second.start] == quoted[1].text


def test_a_list_that_ends_before_its_passage_does_is_quoted_as_it_is():
    first, second = _document()
    listed = Evidence(LIST[:9], first, 1, 0, 9, citations=(1,))  # 「推荐使用非对称加密」 ends no list
    quoted, hits = with_list_rest([listed], [Hit(1, 1.0, first)], lambda p, step: second, 300)
    assert quoted == [listed] and len(hits) == 1


def test_items_already_quoted_are_not_quoted_again():
    first, second = _document()
    listed = Evidence(LIST[10:], first, 1, 10, len(LIST), citations=(1,))
    fourth = Evidence("4. 服务端对原始密码加盐哈希后存储", second, 2, second.start, second.start + 17, citations=(2,))
    hits = [Hit(1, 1.0, first), Hit(2, 0.0, second)]
    quoted, _ = with_list_rest([listed, fourth], hits, lambda p, step: second if p.id == 1 else None, 300)
    assert quoted == [listed, fourth]


def test_a_block_of_code_cut_at_a_passage_end_goes_on_to_its_closing_fence():
    head = "JVM 提供了一些参数：\n```\n# 在发生 OOM 时生成堆转储文件\n-XX:+HeapDumpOnOutOfMemoryError\n# 指定输出路径"
    tail = "-XX:HeapDumpPath=/data/dumps/\n```\n\n处理 OOM 之后要分析堆转储文件。"
    first = Passage(1, "d", "T", "d.md", 0, len(head), head)
    second = Passage(2, "d", "T", "d.md", len(head) + 1, len(head) + 1 + len(tail), tail)
    quoted, _ = with_list_rest([Evidence(head, first, 1, 0, len(head))], [Hit(1, 1.0, first)], lambda p, s: second, 300)
    assert [q.text for q in quoted] == [head, "-XX:HeapDumpPath=/data/dumps/\n```"]


def test_a_block_closed_at_its_passage_end_reads_nothing_on():
    """A passage opening inside a block and ending on its closing fence holds one fence: the
    block is whole where it ends, the next passage (another section's title and listing) is not
    quoted as its rest."""
    head = 'CMD ["node", "server.js"]\n```'
    tail = "使用 UID/GID\n\n```\nUSER 1001:1001"
    first = Passage(1, "d", "T", "d.md", 0, len(head), head)
    second = Passage(2, "d", "T", "d.md", len(head) + 1, len(head) + 1 + len(tail), tail)
    closed = Evidence(head, first, 1, 0, len(head))
    quoted, hits = with_list_rest([closed], [Hit(1, 1.0, first)], lambda p, s: second, 300)
    assert [q.text for q in quoted] == [head] and len(hits) == 1


def test_as_many_next_items_as_the_answer_s_length_allows_are_quoted():
    first, second = _document()
    listed = Evidence(LIST[10:], first, 1, 10, len(LIST), citations=(1,))
    more = NEXT.replace("\n\n完整的安全方案\n5. 这一行是另一件事", "\n5. 服务端返回登录结果给客户端")
    second = Passage(2, "d", "T", "d.md", second.start, second.start + len(more), more)
    room = len(LIST[10:]) + len("4. 服务端对原始密码加盐哈希后存储") + 12  # marks, not the fifth item
    quoted, hits = with_list_rest([listed], [Hit(1, 1.0, first)], lambda p, step: second if p.id == 1 else None, room)
    assert [q.text for q in quoted] == [LIST[10:], "4. 服务端对原始密码加盐哈希后存储"]
    quoted, _ = with_list_rest([listed], [Hit(1, 1.0, first)], lambda p, step: second if p.id == 1 else None, 300)
    assert quoted[1].text == more  # both, with room for them


def test_steps_said_in_one_run_of_clauses_are_one_span_and_go_on_into_the_next_passage():
    """「先看 DNS；再用 ping 看 ICMP；然后用 nc 测端口；」 split at each 「；」 would be quoted clause by
    clause; it is one span, and its last step, in the next passage, follows it."""
    head = "所以排查时要按层验证。\n我一般会按这个顺序查：如果是域名，先看 DNS；再用 ping 看 ICMP；然后用 nc 测端口；"
    tail = "最后用 curl 看 HTTPS。别让一个 ping 过早下结论。"
    first = Passage(1, "d", "T", "d.md", 0, len(head), head)
    second = Passage(2, "d", "T", "d.md", len(head), len(head) + len(tail), tail)
    clause = head.index("再用")
    start, end = enumeration(first, clause, head.index("然后"))
    assert head[start:end] == head[head.index("我一般") :]
    run = Evidence(head[start:end], first, 1, start, end, citations=(1,))
    quoted, hits = with_list_rest([run], [Hit(1, 1.0, first)], lambda p, step: second if p.id == 1 else None, 300)
    assert [q.text for q in quoted] == [head[start:end], "最后用 curl 看 HTTPS。"]
    assert quoted[1].citations == (2,) and [h.passage.id for h in hits] == [1, 2]
