import textwrap

from codeflash_bot.propose.module_rule import ModuleFacts, apply_module_rule
from codeflash_bot.propose.rules.import_cycle_at_module_level import ImportCycleAtModuleLevel

RULE = ImportCycleAtModuleLevel()
FACTS = ModuleFacts(module="shop.orders", cyclic=frozenset({"shop.customers"}))


def rewrite(before: str) -> str | None:
    return apply_module_rule(RULE, textwrap.dedent(before), FACTS)


def test_cyclic_import_moves_to_every_use_site() -> None:
    before = """
    from shop import customers
    from shop import products


    def total(order):
        return customers.discount(order) * products.price(order)


    def owner(order):
        return customers.lookup(order.customer_id)
    """
    assert rewrite(before) == textwrap.dedent("""
    from shop import products


    def total(order):
        from shop import customers
        return customers.discount(order) * products.price(order)


    def owner(order):
        from shop import customers
        return customers.lookup(order.customer_id)
    """)


def test_relative_import_of_the_cycle_is_resolved() -> None:
    before = """
    from .customers import lookup

    def owner(order):
        return lookup(order.customer_id)
    """
    after = rewrite(before)
    assert after is not None and "    from .customers import lookup\n" in after


def test_import_not_in_a_cycle_does_not_fire() -> None:
    before = """
    from shop import products

    def total(order):
        return products.price(order)
    """
    assert rewrite(before) is None


def test_cyclic_name_used_at_module_level_does_not_fire() -> None:
    before = """
    from shop import customers

    DEFAULT = customers.lookup(0)

    def owner(order):
        return customers.lookup(order.customer_id)
    """
    assert rewrite(before) is None


def apply_spelling(source: str) -> str | None:
    """Module-level rules apply to the whole module, given what the import profile found."""
    return rewrite(source)


SPELLINGS = {
    RULE.spellings[0]: """
    from shop import customers


    def total(order):
        return customers.discount(order)
    """,
    RULE.spellings[1]: """
    import shop.customers as customers


    def total(order):
        return customers.discount(order)


    def owner(order):
        return customers.find(order)
    """,
    RULE.spellings[2]: """
    from shop.customers import find


    class Order:
        def owner(self):
            return find(self)
    """,
}
NOT_FIRING = {
    "used at module level": """
    from shop import customers

    DEFAULT = customers.find(None)
    """,
    "not cyclic": """
    from shop import products


    def total(order):
        return products.price(order)
    """,
}
