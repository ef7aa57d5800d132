"""The worker groups and firm attributes the policy levers test, on hand-built rows."""


from lmsim.population import Firms, Status, Workers


def test_worker_groups_by_hand():
    w = Workers(5)
    w.age_months[:] = [20 * 12, 24 * 12 + 11, 41 * 12, 45 * 12, 52 * 12]
    w.female[:] = [False, True, True, False, False]
    w.graduation_year[:] = [2019, 2017, 0, 2016, 0]
    w.urban_hukou[:] = [True, False, True, False, True]
    w.status[:] = [Status.UNEMPLOYED, Status.EMPLOYED, Status.EMPLOYED, Status.DEPARTED, Status.INACTIVE]
    w.education[:] = [5, 2, 0, 1, 0]
    w.skill[:] = [0, 0, 3, 5, 0]
    assert w.youth().tolist() == [True, True, False, False, False]
    assert w.recent_graduate(2019).tolist() == [True, True, False, False, False]
    assert w.older().tolist() == [False, False, True, False, True]  # women 40+, men 50+
    assert w.rural_surplus().tolist() == [False, True, False, False, False]  # the departed one no longer counts
    assert w.skill_band().tolist() == [2, 1, 2, 1, 0]  # education, raised by a certificate


def test_firm_size_classes_by_staff():
    f = Firms(5)
    f.employees[:] = [0, 9, 10, 150, 300]
    assert f.size_class().tolist() == [0, 0, 1, 2, 3]
