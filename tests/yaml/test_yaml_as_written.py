"""YAML merges as written (issue 9): readers see the merged data and nothing else; anchors,
comments, layout and multi-line strings survive; several documents and custom tags merge."""

from __future__ import annotations

from textwrap import dedent

from readers import read11, read12
from scenario import assert_readers_see_the_merge, git_merge, run_merge


def test_theirs_strings_that_yaml_11_reads_as_other_types_keep_their_quotes() -> None:
    base = "debug: 'yes'\nname: app\n"
    ours = "debug: 'yes'\nname: app2\n"
    theirs = 'debug: "no"\nname: app\nports: ["22:22"]\nmode: "0755"\nscale: "1e3"\n'
    outcome = run_merge(base, ours, theirs)
    output = outcome.output.decode()
    assert outcome.exit_code == 0
    assert read11(output) == read12(output) == [
        {"debug": "no", "name": "app2", "ports": ["22:22"], "mode": "0755", "scale": "1e3"}]
    assert_readers_see_the_merge(base, ours, theirs, output)


def test_a_change_to_an_anchored_node_reaches_the_alias_theirs_added() -> None:
    base = dedent("""\
        x-logging: &default-logging
          driver: json-file
          options:
            max-size: 10m
        services:
          web:
            image: nginx
            logging: *default-logging
        """)
    ours = base.replace("10m", "50m")
    theirs = base + "  worker:\n    image: worker\n    logging: *default-logging\n"
    outcome = run_merge(base, ours, theirs)
    output = outcome.output.decode()
    assert outcome.exit_code == 0
    assert "max-size: 50m" in output and output.count("*default-logging") == 2
    for read in (read11, read12):
        assert read(output)[0]["services"]["worker"]["logging"]["options"]["max-size"] == "50m"


def test_merge_keys_stay_merge_keys() -> None:
    base = "defaults: &d\n  retries: 3\njob:\n  <<: *d\n  name: a\n"
    ours = base.replace("retries: 3", "retries: 5")
    theirs = base.replace("name: a", "name: b")
    output = run_merge(base, ours, theirs).output.decode()
    assert output == "defaults: &d\n  retries: 5\njob:\n  <<: *d\n  name: b\n"
    assert read11(output)[0]["job"] == {"retries": 5, "name": "b"}


def test_a_block_script_edited_on_different_lines_merges_line_by_line() -> None:
    base = dedent("""\
        jobs:
          build:
            steps:
              - run: |
                  echo one
                  echo two
                  echo three
                  echo four
                  echo five
                  echo six
        """)
    ours = base.replace("echo one", "echo ONE")
    theirs = base.replace("echo six", "echo SIX")
    outcome = run_merge(base, ours, theirs)
    assert outcome.exit_code == 0
    assert outcome.output.decode() == base.replace("echo one", "echo ONE").replace(
        "echo six", "echo SIX")


def test_a_block_script_edited_on_the_same_line_is_a_conflict_at_its_path() -> None:
    base = "run: |\n  echo one\n  echo two\n"
    outcome = run_merge(base, base.replace("one", "1"), base.replace("one", "uno"))
    assert [(c.path, c.kind) for c in outcome.conflicts] == [("/run", "modify/modify")]


def test_a_renamed_record_merges_with_the_other_sides_edit_in_every_conflict_style() -> None:
    base = dedent("""\
        containers:
          - name: server
            image: app:1
            port: 8080
          - name: sidecar
            image: proxy:1
        """)
    ours = base.replace("name: server", "name: web")
    theirs = base.replace("app:1", "app:2")
    for style in ("markers", "ours", "theirs", "object"):
        outcome = run_merge(base, ours, theirs, conflict=style)
        assert outcome.exit_code == 0 and not outcome.conflicts
        assert read12(outcome.output.decode())[0]["containers"] == [
            {"name": "web", "image": "app:2", "port": 8080},
            {"name": "sidecar", "image": "proxy:1"}]


def test_every_comment_survives_and_theirs_new_comments_are_kept() -> None:
    base = dedent("""\
        # Default values for the chart.
        replicaCount: 1   # scaled by HPA
        image:
          repository: nginx
          tag: "1.25"
        # resources: {}
        """)
    ours = base.replace('tag: "1.25"', 'tag: "1.27"')
    theirs = base.replace("# resources: {}", dedent("""\
        # Limits for the pod.
        resources:
          limits:
            cpu: 500m   # half a core
        """).rstrip("\n")).replace("replicaCount: 1", "replicaCount: 2")
    outcome = run_merge(base, ours, theirs)
    output = outcome.output.decode()
    for comment in ("# Default values for the chart.", "# scaled by HPA", "# Limits for the pod.",
                    "# half a core"):
        assert comment in output
    assert read12(output)[0]["image"]["tag"] == "1.27"
    assert_readers_see_the_merge(base, ours, theirs, output)


def test_theirs_edit_of_a_comment_is_kept_where_it_changed_nothing_else() -> None:
    base = "steps:\n  - run: make\n  # - run: make lint\n  - run: make test\n"
    ours = base.replace("make test", "make check")
    theirs = base.replace("# - run: make lint", "# - run: make lint  # flaky, see #12")
    output = run_merge(base, ours, theirs).output.decode()
    assert "# flaky, see #12" in output and "make check" in output


def test_layout_of_untouched_values_is_kept_and_new_items_follow_their_siblings() -> None:
    base = dedent("""\
        a: null
        b: ~
        c:
        list:
        - one
        - two
        nested:
            key: value
        """)
    ours = base.replace("key: value", "key: changed")
    theirs = base.replace("- two\n", "- two\n- three\n")
    outcome = run_merge(base, ours, theirs)
    assert outcome.output.decode() == base.replace("key: value", "key: changed").replace(
        "- two\n", "- two\n- three\n")


def test_both_sides_append_to_one_mapping_keeps_both_with_their_comments() -> None:
    base = "services:\n  web:\n    image: nginx\n"
    ours = base + "  db:\n    image: postgres   # primary\n"
    theirs = base + "  # background jobs\n  worker:\n    image: worker\n"
    code, _ = git_merge(base, ours, theirs)
    assert code == 1  # git leaves a conflict here
    outcome = run_merge(base, ours, theirs)
    assert outcome.exit_code == 0
    assert outcome.output.decode() == (base + "  db:\n    image: postgres   # primary\n"
                                       "  # background jobs\n  worker:\n    image: worker\n")


def test_several_documents_merge_by_kind_and_name() -> None:
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  port: 80\n"
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: '1'\n"
    base = deployment + "---\n" + service
    ours = deployment.replace("replicas: 1", "replicas: 3") + "---\n" + service
    theirs = config + "---\n" + deployment + "---\n" + service.replace("port: 80", "port: 8080")
    outcome = run_merge(base, ours, theirs)
    assert outcome.exit_code == 0
    documents = read12(outcome.output.decode())
    assert {(d["kind"], d["metadata"]["name"]) for d in documents} == {
        ("Deployment", "web"), ("Service", "web"), ("ConfigMap", "cfg")}
    by_kind = {d["kind"]: d for d in documents}
    assert by_kind["Deployment"]["spec"]["replicas"] == 3
    assert by_kind["Service"]["spec"]["port"] == 8080


def test_a_document_deleted_on_one_side_and_edited_on_the_other_is_a_conflict() -> None:
    one = "kind: A\nmetadata:\n  name: a\nx: 1\n"
    two = "kind: B\nmetadata:\n  name: b\ny: 1\n"
    base = one + "---\n" + two
    outcome = run_merge(base, one + "---\n" + two.replace("y: 1", "y: 2"), one)
    assert [(c.path, c.kind) for c in outcome.conflicts] == [("/B~1b", "modify/delete")]


def test_custom_tags_are_kept_as_written_and_compared_by_tag_and_value() -> None:
    base = dedent("""\
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Sub "${AWS::StackName}-data"
          Queue:
            Type: AWS::SQS::Queue
        Outputs:
          BucketArn:
            Value: !GetAtt Bucket.Arn
        """)
    ours = base.replace("-data", "-store")
    theirs = base.replace("Type: AWS::SQS::Queue", "Type: AWS::SQS::Queue\n    Properties:\n"
                          "      QueueName: !Ref QueueName")
    outcome = run_merge(base, ours, theirs)
    output = outcome.output.decode()
    assert outcome.exit_code == 0
    assert '!Sub "${AWS::StackName}-store"' in output and "!Ref QueueName" in output
    assert "!GetAtt Bucket.Arn" in output


def test_python_tags_stay_refused() -> None:
    import pytest

    from statemerge.errors import ParseError

    evil = "a: !!python/object/apply:os.system ['true']\n"
    with pytest.raises(ParseError, match="python"):
        run_merge(evil, evil, evil)


def test_a_yaml_file_merged_with_two_unchanged_copies_comes_back_byte_for_byte() -> None:
    text = "# c\na:   1   # one\nb: [1,  2]\nc: &x {k: v}\nd: *x\ne: !Ref Q\n---\nf: 'q'\n"
    assert run_merge(text, text, text).output.decode() == text


def test_where_git_merges_cleanly_and_right_the_output_is_gits_byte_for_byte() -> None:
    base = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n"
    ours = "a: 10\nb: 2\nc: 3\nd: 4\ne: 5\n"
    theirs = "a: 1\nb: 2\nc: 3\nd: 4\ne: 50   # tuned\n"
    code, merged = git_merge(base, ours, theirs)
    assert code == 0
    assert run_merge(base, ours, theirs).output.decode() == merged


def test_git_clean_but_wrong_duplicate_key_is_not_copied() -> None:
    base = "a: 1\nz: 9\n"
    ours = "a: 1\nb: 2\nz: 9\n"
    theirs = "a: 1\nz: 9\nb: 2\n"
    code, merged = git_merge(base, ours, theirs)
    assert code == 0 and merged.count("b: 2") == 2  # git writes the key twice
    output = run_merge(base, ours, theirs).output.decode()
    assert output.count("b: 2") == 1 and read12(output) == [{"a": 1, "b": 2, "z": 9}]


def test_conflict_markers_show_each_sides_own_comments() -> None:
    base = "image:\n  tag: '1.0'\n"
    ours = "image:\n  tag: '1.1'   # ours pins\n"
    theirs = "image:\n  tag: '2.0'   # theirs jumps\n"
    output = run_merge(base, ours, theirs).output.decode()
    ours_part = output.split("<<<<<<< ours\n")[1].split("=======\n")[0]
    theirs_part = output.split("=======\n")[1].split(">>>>>>> theirs\n")[0]
    assert "# ours pins" in ours_part and "# theirs jumps" in theirs_part


def test_an_alias_whose_anchor_the_other_side_deleted_is_a_conflict_never_a_silent_change() -> None:
    base = "d: &x {k: 1}\nb: 1\nc: 2\n"
    ours = "b: 1\nc: 2\n"
    theirs = base + "e: *x\n"
    outcome = run_merge(base, ours, theirs)
    assert outcome.exit_code == 1
    assert [(c.path, c.kind) for c in outcome.conflicts] == [("", "unwritable")]


def test_the_json_report_names_aliases_and_tags_as_objects() -> None:
    import json

    from statemerge.merging.values import json_default

    outcome = run_merge("a: &x 1\nb: *x\n", "a: &x 1\nb: 2\n", "a: &x 1\nb: !Ref Q\n")
    report = json.loads(json.dumps(outcome.report(), default=json_default))
    (conflict,) = report["conflicts"]
    assert conflict["base"] == {"$alias": "x"} and conflict["theirs"] == {"$tag": "!Ref",
                                                                          "value": "Q"}


def test_json_strings_that_hold_several_lines_merge_line_by_line() -> None:
    from statemerge.mergefile import MergeOptions, merge_texts

    base = b'{"notes": "one\\ntwo\\nthree\\nfour\\n"}\n'
    ours = b'{"notes": "ONE\\ntwo\\nthree\\nfour\\n"}\n'
    theirs = b'{"notes": "one\\ntwo\\nthree\\nFOUR\\n"}\n'
    outcome = merge_texts(base, ours, theirs, names=("b.json", "o.json", "t.json"),
                          options=MergeOptions(path_hint="o.json"))
    assert outcome.output == b'{"notes": "ONE\\ntwo\\nthree\\nFOUR\\n"}\n'


def test_a_renamed_job_merges_with_the_other_sides_edit_inside_it() -> None:
    base = dedent("""\
        jobs:
          Trigger scan:
            runs-on: ubuntu-latest
            permissions:
              security-events: write
            steps:
              - uses: actions/checkout@v4
        """)
    ours = base.replace("  Trigger scan:", "  Trigger_scan:")
    theirs = base.replace("security-events: write", "security-events: write\n      actions: read")
    outcome = run_merge(base, ours, theirs)
    assert outcome.exit_code == 0
    assert outcome.output.decode() == ours.replace("security-events: write",
                                                   "security-events: write\n      actions: read")


def test_a_json_object_only_theirs_reordered_comes_out_in_theirs_order_as_git_gives_it() -> None:
    from statemerge.mergefile import MergeOptions, merge_texts

    base = '{\n  "deps": {\n    "b": "1",\n    "a": "1"\n  },\n  "name": "x"\n}\n'
    ours = base.replace('"name": "x"', '"name": "y"')
    theirs = '{\n  "deps": {\n    "a": "1",\n    "b": "1"\n  },\n  "name": "x"\n}\n'
    code, merged = git_merge(base, ours, theirs)
    outcome = merge_texts(base.encode(), ours.encode(), theirs.encode(),
                          names=("b.json", "o.json", "t.json"),
                          options=MergeOptions(path_hint="o.json"))
    assert code == 0 and outcome.output.decode() == merged


def test_crlf_files_stay_crlf_where_values_are_written_afresh() -> None:
    base = "a: 1\r\nb:\r\n  c: 2\r\nz: 2\r\n"
    ours = "a: 1\r\nb:\r\n  c: 2\r\n  d: 1\r\nz: 2\r\n"
    theirs = "a: 1\r\nb:\r\n  c: 2\r\n  e: {x: 1}\r\nz: 3\r\n"
    output = run_merge(base, ours, theirs).output.decode()
    assert output == "a: 1\r\nb:\r\n  c: 2\r\n  d: 1\r\n  e: {x: 1}\r\nz: 3\r\n"
