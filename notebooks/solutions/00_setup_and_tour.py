# Worked solutions for 00_setup_and_tour.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = course.profile

# %% exercise 1: wrong
answer_1 = tilnlp.active_preset()  # the preset, not the profile

# %% exercise 2
answer_2 = sum(imdb["test"]["label"]) / imdb["test"].num_rows

# %% exercise 2: wrong
answer_2 = sum(imdb["train"]["label"]) / imdb["train"].num_rows  # the training split
