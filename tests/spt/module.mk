# tests/spt: the spt test images (tests/guest/module.mk).
$(eval $(call guest_test_rules,spt,))
