# The portal has no tables of its own yet; later issues add the registries.
