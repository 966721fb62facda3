"""The campaigns app's modules import one way: no two of them import each other, however
indirectly (import-linter's acyclic_siblings contract, checked here with its grimp)."""

import grimp

from campaigns import workflow


def sibling_cycles(package: str) -> list[tuple[str, str]]:
    graph = grimp.build_graph(package.split(".")[0])
    children = graph.find_children(package)
    reaches = {
        child: {
            other
            for other in children - {child}
            if graph.chain_exists(importer=child, imported=other, as_packages=True)
        }
        for child in children
    }
    return sorted((a, b) for a in children for b in reaches[a] if a in reaches[b] and a < b)


def test_no_two_campaigns_modules_import_each_other():
    assert sibling_cycles("campaigns") == []


def test_no_two_import_modules_import_each_other():
    assert sibling_cycles("campaigns.imports") == []


def test_workflow_steps_are_plain_functions_that_mutation_testing_can_reach():
    """`@transaction.atomic` wraps a function (mutmut skips decorated ones); the steps
    open their transaction inside instead."""
    for step in (workflow.submit_event, workflow.approve_event, workflow.return_event):
        assert not hasattr(step, "__wrapped__"), step.__name__
