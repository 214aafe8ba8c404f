"""What each offline stand-in changes in a lesson – one table, shown only when the stand-in ran.

A notebook calls ``course.offline_note("<model>", "<topic>")`` next to a result that a stand-in
changes.  When the real model (or data set) was used, nothing is shown; when the stand-in was,
the entry below appears as a short note: what the real model gives – the study notes' own
output where they have one – and what the difference does to the lesson.  Keeping every such
fact here, keyed by the model and the topic, means the text cannot drift from the stand-in that
actually ran, and a test checks that every notebook's call names an entry and every entry is used.

Each entry is an ``Effect`` with an English and a Korean text (Markdown, one paragraph).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    en: str
    ko: str = ""  # the Korean edition's text; English is shown while it is empty

    def text(self, lang: str = "en") -> str:
        return (self.ko if lang == "ko" and self.ko else self.en).strip()


GPT2 = "gpt2"
SENTIMENT = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
ROBERTA = "roberta-base"
BERT = "bert-base-uncased"
IMDB = "imdb"

EFFECTS: dict[tuple[str, str], Effect] = {
    (GPT2, "generation"): Effect(
        en="""The notes ran OpenAI's GPT-2 (124 M parameters, 2019) and got *"The Invisible Dragon barked at me
like a monkey trying to hide something! He was an adult, so I did my best..."* – one random sample. Offline
the text comes from **SmolLM2-135M-Instruct** (135 M parameters, trained on about 2 trillion tokens, then
instruction-tuned; its weights were stored with 4 bits each and de-quantised here). It writes fluent English
too, but more like a tidy story-book or an assistant, and never the notes' sentence: every lesson about *how*
generation works (tokens, `max_length`, decoding, seeds, repetition) holds for both models; the words do not.""",
        ko="""학습 노트는 OpenAI의 GPT-2(파라미터 124 M개, 2019)를 실행해 다음 텍스트를 얻었습니다: *"The Invisible Dragon
barked at me like a monkey trying to hide something! He was an adult, so I did my best..."* – 무작위로 뽑힌
샘플 하나입니다. 오프라인에서는 **SmolLM2-135M-Instruct**가 텍스트를 씁니다(파라미터 135 M개, 약 2조 개의
토큰으로 학습한 뒤 지시문 튜닝(instruction tuning)을 거쳤으며, 가중치는 값마다 4비트로 저장되어 있던 것을
여기서 역양자화했습니다). 이 모델도 유창한 영어를 쓰지만 깔끔한 동화책이나 어시스턴트에 더 가까운 글을 쓰고,
학습 노트의 문장은 결코 나오지 않습니다. 생성이 *어떻게* 작동하는지에 관한 내용(토큰, `max_length`, 디코딩, 시드,
반복)은 모두 두 모델에 똑같이 들어맞지만, 나오는 단어는 그렇지 않습니다."""),
    (GPT2, "tokens"): Effect(
        en="""GPT-2's own tokenizer (OpenAI's 50,257-token byte-level BPE) cuts the notes' prompt into **5**
tokens – `The`, `ĠInvisible`, `ĠDragon`, `Ġbark`, `ed` (ids 464, 39571, 2851, 21405, 276). SmolLM2's BPE
works the same way with a smaller vocabulary (49,152 tokens) and splits *Invisible* into `ĠIn` + `visible`:
6 tokens. The ids differ completely – each model has its own vocabulary – so token counts and ids printed
here are SmolLM2's.""",
        ko="""GPT-2 자신의 토크나이저(OpenAI의 50,257개 토큰짜리 바이트 수준 BPE)는 학습 노트의 프롬프트를 **5**개
토큰으로 자릅니다 – `The`, `ĠInvisible`, `ĠDragon`, `Ġbark`, `ed`(ID 464, 39571, 2851, 21405, 276). SmolLM2의
BPE도 같은 방식으로 작동하지만 어휘가 더 작고(49,152개 토큰) *Invisible*을 `ĠIn` + `visible`로 나누므로
6개 토큰이 됩니다. ID는 완전히 다릅니다 – 모델마다 자기 어휘가 있기 때문입니다 – 그러므로 여기에 출력되는
토큰 수와 ID는 SmolLM2의 것입니다."""),
    (SENTIMENT, "hate-rodrigo"): Effect(
        en="""The notes' default model – DistilBERT fine-tuned on SST-2, 67 M parameters – said `NEGATIVE`
with a score of **0.9987** for *"hate rodrigo"*. Offline the pipeline runs the course's stand-in:
all-MiniLM-L6-v2 fine-tuned here on the 1,000 IMDb training reviews. Same labels, same kind of answer,
a different score: scores are the softmax of one particular model's logits, so two models rarely agree to
three decimals even when they agree on the label.""",
        ko="""학습 노트의 기본 모델인 DistilBERT(SST-2로 파인튜닝한 모델, 파라미터 67 M개)는 입력 문장(*"hate rodrigo"*)에
점수 **0.9987**로 `NEGATIVE`라고 답했습니다. 오프라인에서는 파이프라인이 이 과정의 대체 모델을 실행합니다.
IMDb 훈련 리뷰 1,000개로 여기서 파인튜닝한 all-MiniLM-L6-v2입니다. 레이블도, 답의 형태도 같지만 점수는
다릅니다. 점수는 어느 한 모델의 로짓에 소프트맥스를 적용한 값이므로, 두 모델은 레이블이 같을 때에도 소수점
셋째 자리까지 일치하는 일이 드뭅니다."""),
    (SENTIMENT, "accuracy"): Effect(
        en="""The number above is the offline stand-in's, and an honest estimate for it: it never saw these
sentences – it was trained on IMDb reviews, and its recipe was chosen on reviews held out of its own training
set. The real default model likely saw most of them in training (SST-2 was built from the same Rotten Tomatoes
snippets, Socher et al., 2013), so its accuracy here may be flattering; compare the two numbers with that in
mind.""",
        ko="""위의 수치는 오프라인 대체 모델의 것이며, 이 모델에 대해서는 정직한 추정치입니다. 이 모델은 이
문장들을 본 적이 없습니다. IMDb 리뷰로 학습했고, 학습 방법(레시피)도 자기 훈련 데이터에서 떼어 둔 리뷰로
골랐습니다. 실제 기본 모델은 이 문장들 대부분을 훈련 중에 보았을 가능성이 높으므로(SST-2는 같은 Rotten
Tomatoes 발췌문으로 만들어졌습니다, Socher et al., 2013) 여기서 잰 그 모델의 정확도는 실제보다 후하게 나올
수 있습니다. 두 수치를 비교할 때는 이 점을 염두에 두십시오."""),
    (ROBERTA, "head"): Effect(
        en="""Offline, `roberta-base` is stood in by a BERT-architecture encoder (all-MiniLM-L6-v2), whose
classification head is one new layer – 2 new tensors, `classifier.weight` and `classifier.bias` – that reads
the `[CLS]` vector through the checkpoint's pooler (dense + tanh; "Going deeper" shows it was never trained).
The real `roberta-base` gets a two-layer head, `RobertaClassificationHead` (dense → tanh → `out_proj`) –
**4** new tensors, `classifier.dense.weight`, `classifier.dense.bias`, `classifier.out_proj.weight`,
`classifier.out_proj.bias` – and no pooler; its report also lists the weights of its pre-training head as
unused. The notes saw `LABEL_1` with **0.56**; here the label and score come from another random head. The
lesson is the same for both: the head is new and random.""",
        ko="""오프라인에서는 BERT 구조의 인코더(all-MiniLM-L6-v2)가 `roberta-base`를 대신하며, 이 인코더의
분류 헤드는 새 층 하나입니다. 새 텐서는 `classifier.weight`와 `classifier.bias`, 2개이고, 이 층은 체크포인트에
들어 있는 풀러(pooler, dense + tanh)를 거친 `[CLS]` 벡터를 읽습니다("더 깊이"에서 이 풀러가 한 번도 학습되지
않았음을 확인합니다). 실제 `roberta-base`는 두 층짜리 헤드 `RobertaClassificationHead`(dense → tanh →
`out_proj`)를 받습니다 – 새 텐서 **4**개, `classifier.dense.weight`, `classifier.dense.bias`,
`classifier.out_proj.weight`, `classifier.out_proj.bias` – 그리고 풀러는 없습니다. 로딩 보고서에는 사전
학습 헤드의 가중치도 쓰이지 않은 가중치로 나옵니다. 학습 노트에서는 `LABEL_1`과 **0.56**이 나왔지만, 여기서는 또
다른 무작위 헤드가 레이블과 점수를 냅니다. 교훈은 두 모델 모두 같습니다: 헤드는 새로 만들어진 무작위
헤드입니다."""),
    (ROBERTA, "pooler"): Effect(
        en="""all-MiniLM-L6-v2 was trained for sentence similarity with mean pooling: its pooler plays no part
in that, so no training step ever reached it – its biases are still exactly zero, and its weights the random
numbers it started with. Offline, the new classifier therefore sees the `[CLS]` vector through a random
dense layer + tanh: two random layers, like RoBERTa's head, one of them loaded from the checkpoint. The real
`roberta-base` has no pooler here (`RobertaForSequenceClassification` builds its encoder with
`add_pooling_layer=False`): both layers of its head are new, and the loading report says so.""",
        ko="""all-MiniLM-L6-v2는 평균 풀링으로 문장 유사도를 학습했습니다. 이 학습에서 풀러는 아무 역할도 하지
않으므로, 어떤 학습 단계도 풀러에 닿지 않았습니다 – 편향은 여전히 정확히 0이고, 가중치는 처음 시작할 때의
무작위 값 그대로입니다. 그래서 오프라인에서는 새 분류기가 무작위 dense 층 + tanh를 거친 `[CLS]` 벡터를 봅니다.
RoBERTa의 헤드처럼 무작위 층이 둘인 셈이고, 그중 하나는 체크포인트에서 불러온 것입니다. 실제 `roberta-base`에는
여기서 풀러가 없습니다(`RobertaForSequenceClassification`은 인코더를 `add_pooling_layer=False`로 만듭니다).
헤드의 두 층이 모두 새 층이며, 로딩 보고서도 그렇게 알려 줍니다."""),
    (BERT, "token-table"): Effect(
        en="""Offline this table belongs to all-MiniLM-L6-v2: the same 30,522-token vocabulary as
`bert-base-uncased`, but 384 numbers per token instead of 768, and weights that were distilled from a larger
model and then trained further on sentence pairs. The neighbour lists are this model's; `bert-base-uncased`'s
own table gives similar, not identical, lists.""",
        ko="""오프라인에서 이 표는 all-MiniLM-L6-v2의 것입니다. `bert-base-uncased`와 같은 30,522개 토큰의
어휘를 쓰지만, 토큰마다 숫자가 768개가 아니라 384개이고, 가중치는 더 큰 모델에서 증류(distillation)한 뒤
문장 쌍으로 더 학습한 것입니다. 이웃 목록도 이 모델의 것이며, `bert-base-uncased` 자신의 표로는 비슷하지만
똑같지는 않은 목록이 나옵니다."""),
    (BERT, "sentence-similarity"): Effect(
        en="""This comparison is where the stand-in differs most. all-MiniLM-L6-v2 was trained further, after
pre-training, on about a billion sentence pairs so that the mean of its token vectors *is* a good sentence
embedding – unrelated sentences get low cosines, paraphrases high ones. The real `bert-base-uncased` had no such
training: its mean-pooled vectors point in similar directions for almost any two sentences (the notes got
**0.7213** for the king and the queen sentences), and as sentence embeddings they rank sentence pairs much
worse (Reimers & Gurevych, 2019: Spearman 46.4 for averaged BERT vectors on the STS benchmark, 16.5 for the
`[CLS]` vector, 77–79 for models trained on sentence pairs). Credit what you see here to that extra
training, not to pre-training alone.""",
        ko="""대체 모델이 가장 크게 다른 곳이 바로 이 비교입니다. all-MiniLM-L6-v2는 사전 학습 뒤에 약
10억 개의 문장 쌍으로 더 학습해서, 토큰 벡터의 평균이 *그 자체로* 좋은 문장 임베딩이 되도록 만들어졌습니다 –
서로 관련 없는 문장은 코사인이 낮고, 같은 뜻을 달리 표현한 문장(paraphrase)은 높습니다. 실제
`bert-base-uncased`는 그런 학습을 받지 않았습니다. 그 평균 풀링 벡터는 거의 어떤 두 문장이든 비슷한 방향을
가리키고(학습 노트에서는 왕 문장과 여왕 문장에 대해 **0.7213**이 나왔습니다), 문장 임베딩으로 쓰면 문장 쌍의
순위를 훨씬 못하게 매깁니다(Reimers & Gurevych, 2019: STS 벤치마크에서 평균한 BERT 벡터는 Spearman 46.4,
`[CLS]` 벡터는 16.5, 문장 쌍으로 학습한 모델은 77–79). 여기서 보이는 결과는 사전 학습만의 공이 아니라 그
추가 학습 덕분으로 보아야 합니다."""),
    (BERT, "pooling"): Effect(
        en="""The offline stand-in, all-MiniLM-L6-v2, was trained for sentence similarity **with mean
pooling** (its pooling setting is printed in section 1), so mean pooling has a head start here. The real
`bert-base-uncased` was never trained for it: its `[CLS]` vector was trained only for next-sentence
prediction. Measured on the STS benchmark (Reimers & Gurevych, 2019), averaged `bert-base` vectors reach a
Spearman correlation of 46.4 with human ratings and the `[CLS]` vector 16.5 – mean pooling still wins, but
neither is a strong sentence embedding without further training.""",
        ko="""오프라인 대체 모델인 all-MiniLM-L6-v2는 **평균 풀링으로** 문장 유사도를 학습했으므로(풀링 설정은
1절에서 출력됩니다), 여기서는 평균 풀링이 유리한 자리에서 출발합니다. 실제 `bert-base-uncased`는 그런 학습을
받은 적이 없습니다. 그 `[CLS]` 벡터는 다음 문장 예측을 위해서만 학습되었습니다. STS 벤치마크에서 측정하면
(Reimers & Gurevych, 2019), 평균한 `bert-base` 벡터는 사람의 평가와의 Spearman 상관계수가 46.4, `[CLS]`
벡터는 16.5입니다 – 평균 풀링이 여전히 이기지만, 추가 학습 없이는 둘 다 좋은 문장 임베딩이 아닙니다."""),
    (BERT, "mlm-head"): Effect(
        en="""The real `bert-base-uncased` checkpoint keeps its pre-trained masked-language-model head, so
`fill-mask` fills the probes above with sensible words at once, and loading `BertForMaskedLM` reports nothing
missing. The offline encoder was saved without such a head, so offline there is nothing to fill in with until
the notebook trains a new one. With a network, compare the two: BERT's head was trained together with its
encoder, from random weights, for days on billions of words; the new head here, for minutes on top of an
encoder that was trained already.""",
        ko="""실제 `bert-base-uncased` 체크포인트에는 사전 학습된 마스크 언어 모델 헤드가 그대로 있어서,
`fill-mask`가 위의 확인용 문장(probe)을 곧바로 그럴듯한 단어로 채우고, `BertForMaskedLM`을 불러와도 빠진
가중치가 없다고 나옵니다. 오프라인 인코더는 그런 헤드 없이 저장되었으므로, 오프라인에서는 노트북이 새 헤드를
훈련하기 전까지 채워 넣을 수단이 없습니다. 네트워크가 있다면 둘을 비교해 보십시오. BERT의 헤드는 인코더와
함께 무작위 가중치에서 시작해 수십억 개의 단어로 며칠 동안 학습했고, 여기의 새 헤드는 이미 학습된 인코더
위에서 몇 분 동안 학습했습니다."""),
    (BERT, "nsp"): Effect(
        en="""The real `bert-base-uncased` has its trained NSP classifier (`cls.seq_relationship`); with a
network, the NSP cell above measures how many of these pairs it gets right. The offline encoder has none – and
it is not plain BERT: all-MiniLM-L6-v2 was trained further on about a billion sentence pairs (paraphrases,
questions and answers, ...) so that related texts get similar vectors, which comes close to training it as a
topic detector. Its cosine line owes part of its score to that training; the TF-IDF line, which uses no
trained model at all, is the fairer evidence for the topic shortcut.""",
        ko="""실제 `bert-base-uncased`에는 학습된 NSP 분류기(`cls.seq_relationship`)가 있습니다. 네트워크가
있다면 위의 NSP 셀이 이 문장 쌍 가운데 몇 개를 맞히는지 측정합니다. 오프라인 인코더에는 NSP 분류기가 없고,
평범한 BERT도 아닙니다. all-MiniLM-L6-v2는 관련 있는 텍스트가 비슷한 벡터를 갖도록 약 10억 개의 문장 쌍(같은
뜻의 다른 표현, 질문과 답 등)으로 더 학습했는데, 이는 주제 판별기로 학습시킨 것에 가깝습니다. 그러므로 이
모델의 코사인 줄에 나온 점수의 일부는 그 학습 덕분입니다. 훈련된 모델을 전혀 쓰지 않는 TF-IDF 줄이 주제만
보는 지름길을 더 공정하게 보여 주는 증거입니다."""),
    (BERT, "size"): Effect(
        en="""Offline, `bert-base-uncased` is all-MiniLM-L6-v2: 6 layers of 384 numbers, 22.7 M parameters.
The real model has 12 layers of 768, 110 M parameters – each token costs about 8 times more arithmetic – so
the notes' loops take several times longer with it. An untrained head is at chance with either model; after
fine-tuning, the bigger model usually ends a few points higher.""",
        ko="""오프라인에서 `bert-base-uncased`는 all-MiniLM-L6-v2입니다: 숫자 384개짜리 층 6개, 파라미터 22.7 M개.
실제 모델은 768개짜리 층 12개, 파라미터 110 M개로 토큰 하나에 드는 연산이 약 8배 많아서, 실제 모델로는
학습 노트의 반복문이 몇 배 더 오래 걸립니다. 학습되지 않은 헤드는 어느 모델에서나 우연 수준이고, 파인튜닝 뒤에는 보통
큰 모델이 몇 포인트 더 높은 정확도로 끝납니다."""),
    (IMDB, "sample"): Effect(
        en="""Offline, `imdb` is a vendored sample of 2,000 real reviews from the same data set (Maas et al.,
2011): 1,000 for training and 1,000 for testing, instead of 25,000 each. The notes' `shuffle(seed=42)` then
picks other reviews than it picked for them, so the numbers here are not the notes' numbers – the sizes (1,000
training and 500 test reviews) are the same.""",
        ko="""오프라인에서 `imdb`는 같은 데이터셋(Maas et al., 2011)에서 뽑아 과정에 함께 넣어 둔 실제 리뷰
2,000개의 샘플입니다. 각각 25,000개가 아니라 훈련용 1,000개와 평가용 1,000개입니다. 그래서 학습 노트의
`shuffle(seed=42)`가 학습 노트에서와는 다른 리뷰를 고르므로, 여기 나오는 수치는 학습 노트의 수치가 아닙니다 – 크기(훈련
리뷰 1,000개와 평가 리뷰 500개)는 같습니다."""),
}


def effect(model: str, topic: str) -> Effect:
    """The entry for ``model`` (a real id, or ``"imdb"``) and ``topic``; a KeyError names the known topics."""
    try:
        return EFFECTS[(model, topic)]
    except KeyError:
        known = ", ".join(f"{m}/{t}" for m, t in EFFECTS)
        raise KeyError(f"no stand-in effect {model}/{topic}; known: {known}") from None
