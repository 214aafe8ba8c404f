# Worked solutions for 00_setup_and_tour.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = course.profile

# %% exercise 2
answer_2 = sum(imdb["test"]["label"]) / imdb["test"].num_rows
