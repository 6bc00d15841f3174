"""The words the router knows, by the role each plays in a request.

Kept apart from the rules that read them: it is data, and it grows with every misroute.
Entries are written as normalised (casefolded, no accents or punctuation, words apart).
"""

from enum import StrEnum

__all__ = [
    "ADDING",
    "CARRYING",
    "DESCRIBING",
    "LEXICON",
    "PERSON_MODALS",
    "PERSON_SENDING",
    "PLAIN_BESIDE_LINKS",
    "SETTINGS",
    "WANTING",
    "WORK_IN_PROGRESS",
    "Tag",
]


class Tag(StrEnum):
    """The role a word or phrase plays in a request."""

    EXPORT = "export"  # asks for the video itself
    CREDITS = "credits"  # names the balance
    STATE = "state"  # names the timeline or its state
    UPLOAD = "upload"  # asks to upload
    PRICE = "price"  # "costa", "收费": the question is what an export costs, not a request
    EDIT = "edit"  # an editing verb: the message is an instruction for the agent
    LIGHT = "light"  # "fai", "make": editing, unless it governs an intent ("fai l'export")
    DELIVER = "deliver"  # "mandami", "send": export when its object is the video
    SHOW = "show"  # "mostrami": the video is an export, the project is the state
    THING = "thing"  # the video, as the object of DELIVER or SHOW
    FILE = "file"  # the deliverable: a THING, and made ("genera l'mp4") it is the export
    PRODUCE = "produce"  # "genera", "生成": an edit, unless what it makes is the FILE
    CHANGE = "change"  # "il video più corto": the object is to be edited, not sent
    PROJECT = "project"  # the project, as the object of DELIVER or SHOW
    CONTENT = "content"  # a part of the video ("i sottotitoli", "字幕"): exported, an edit
    DEFER = "defer"  # "later", "domani": the intent in its clause is not for now
    THEN = "then"  # "poi", "然后": the request before it comes first, the one after waits
    WAIT = "wait"  # "aspetta", "等一下": holds back whatever follows it
    CONDITION = "condition"  # "se", "如果", "so that": the intent word is not asked for
    HOW = "how"  # "come", "怎么": with a first-person verb, asks how to get the video
    OWN = "own"  # "esporto", "scarico": a plan, unless asked how ("come lo scarico?")
    DEVICE = "device"  # "telefono", "相册": the video put there is the video delivered
    PREP = "preposition"  # "sul", "onto", "到": between a verb and the device
    SELF = "self"  # "myself", "自己": the person will do it, the bot is not asked
    ABOUT = "about"  # "come funziona l'export": a question about the bot, not a request
    NEGATION = "negation"  # "non", "don't", "别": the next intent word is not wanted
    INDEFINITE = "indefinite"  # "una traccia" is new content, not the project's tracks
    FILLER = "filler"  # articles and pronouns between a verb and its object
    LINK_WORD = "link word"  # "ecco il link": an upload when the message has a link
    REFERENCE = "reference"  # "come questo", "like this", "风格": a link as a model to follow
    BREAK = "break"  # punctuation between clauses; never in the lexicon
    KNOWN = "known"  # a word that looks like a cue but is not one ("esporto", "用户")


# --- Lexicon -------------------------------------------------------------------------
# Single words and phrases (space-separated, as normalised). Italian verbs are listed in
# their request forms (imperative, infinitive, with clitics); first-person and past
# forms are KNOWN: "lo esporto io" states a plan, it does not ask for an export.

LEXICON: dict[Tag, tuple[str, ...]] = {
    Tag.EXPORT: (
        *("esporta", "esportare", "esportalo", "esportala", "esportali", "esportami"),
        *("esportamelo", "esportamela", "esportarlo", "esportarla", "esportarmelo"),
        *("esportiamo", "esportiamolo", "esporti", "esportate", "esportatelo"),
        *("esportazione", "export", "scarica", "scaricare", "scaricalo", "scaricala"),
        *("scaricami", "scaricamelo", "scaricarlo", "scaricarla", "scaricarmelo"),
        *("scarichiamo", "scarichiamolo", "scarichi", "download", "renderizza"),
        *("renderizzare", "renderizzalo", "render", "rendering", "exporting"),
        *(
            "giramelo",
            "girami",
            "me lo giri",
            "mandamelo",
            "mandamela",
            "mandalo",
            "mandala",
            "mandarmelo",
            "inviamelo",
        ),
        *("inviamela", "invialo", "inviala", "inviarmelo", "dammelo", "dammela"),
        *("spediscimelo", "passamelo", "passamela", "me lo mandi", "me lo invii"),
        *("me lo passi", "me lo dai", "me lo puoi mandare"),
        *("send it", "send it over", "send it to me", "send me it", "give it to me"),
        *("导出", "下载", "渲染", "输出", "发给我", "发我", "传给我", "发过来"),
        *("视频 在哪", "视频 呢", "ship it", "ship the video", "出片", "成片"),
        # Pinyin-IME homophones of 导出 and 下载, frequent enough to be words.
        *("到处", "倒出", "到出", "导粗", "下栽", "下在"),
        *("导吧", "导一下", "再导", "可以导了", "再发", "重发", "重新发", "发来", "传我"),
        "导",  # alone, as in "直接导", "快导"; the words that merely contain it are KNOWN
        *("rimandamelo", "rimandami", "resend", "re send", "sfornalo", "buttamelo"),
        *("output", "push it out", "spit out", "send it thru", "send it through"),
        # Cantonese: 发畀我 is Hong Kong's 发给我. Taiwan and Hong Kong script needs no
        # entries of its own: words.runs reads it as the mainland one (匯出 as 导出).
        *("汇出", "發俾我", "发畀我", "传过来", "出视频", "出成品", "拿到手"),
        *("consegnamelo", "consegnamela", "inoltramelo", "me lo inoltri", "me lo consegni"),
        # The same, to a team: "mandatemelo", "inviatelo pure".
        *("mandatemelo", "mandatelo", "mandatemela", "inviatelo", "inviatemelo", "inviatemela"),
        *("speditemelo", "speditelo", "spediscilo", "passatemelo", "datemelo", "sgancialo"),
        *("consegnatemelo", "sganciamelo"),
        *("tiralo fuori", "tirala fuori", "sparalo fuori", "spara fuori", "butta fuori"),
        *("buttalo fuori", "shoot it over", "shoot it to me", "hit me with"),
        *("let me have it", "lets have it", "let s have it", "spit it out", "fire it over"),
        *("throw it over", "yeet it", "chuck it over", "chuck it through", "flick it over"),
        *("flick it through", "bung it over", "bung it through", "fling it over"),
        *("me lo butti fuori", "expot", "expor", "exprt", "xport"),
        # "好 發片", "出终版", "快啲出條片啦" (after the Taiwan and Hong Kong script is read
        # as the mainland one).
        *("发片", "出终版", "出最终版", "出最后版", "出最后版本", "出条片", "出个片"),
        "做成片",
        *("pop it over", "pop it in the chat", "chuck it in the chat", "drop it in the chat"),
    ),
    Tag.CREDITS: (
        *("crediti", "credito", "saldo", "credits", "credit", "balance", "点数够"),
        *("quanto mi resta", "quanto mi rimane", "how much do i have left"),
        *("积分", "余额", "点数", "额度", "配额", "还剩多少", "剩余", "剩下多少", "次数"),
        *("够不够", "够吗", "够再", "够用"),  # "够再导一次吗": enough credits for it?
        # Topping the balance up: "devo ricaricare?", "do i need to top up", "要充值吗".
        *("ricaricare", "ricarica", "ricarico", "top up", "topup", "top it up", "充值", "充钱"),
    ),
    Tag.PRICE: (
        *("costa", "costano", "costo", "costare", "prezzo", "si paga", "si pagano", "gratis"),
        *("gratuito", "a pagamento", "cost", "costs", "price", "free", "pay", "afford"),
        *("收费", "要钱", "多少钱", "免费", "花多少", "扣多少", "价格", "几次"),
        *("贵", "贵吗", "charged", "charge", "paid", "pagare", "a pagamento?"),
        *("permettermi", "permettere", "付得起", "付不起", "负担得起"),  # "can I afford"
        *("caro", "cara", "tariffa", "spesa", "spende", "spendere", "spendo", "fee", "fees"),
        *("the damage", "费用", "收钱", "花钱", "扣钱", "扣分", "扣几分", "扣分不"),
        *("渲染费", "导出费", "费多少", "扣几点", "扣点", "要扣"),
        "够",  # "剩的分够出片吗": enough credits for it? ("够了" is KNOWN: enough said)
        *("pricey", "expensive", "costly", "quanto viene", "quanto verrebbe", "costera"),
        *("scali", "scala", "scalano", "scalare", "scalate", "mi scali"),  # "quanto mi scali"
        *("costerebbe", "costerebbero", "昂贵", "划算", "要几点"),
    ),
    Tag.STATE: (
        *("stato", "tracce", "traccia", "timeline", "riepilogo", "riassunto"),
        *("progresso", "progressi", "status", "state", "tracks", "track", "summary"),
        *("progress", "a che punto", "cosa c e", "cosa ce", "where are we", "so far"),
        *("come sta venendo", "come procede", "how s it coming along"),
        # The render as it runs: "how's the render going", "come va l'export".
        *("how s the render going", "how is the render going", "how s the export going"),
        *("come va il render", "come va l export", "come va il rendering"),
        *("what s in", "whats in", "状态", "轨道", "时间线", "时间轴", "进度", "进展"),
        *("aggiornami", "aggiornamento", "aggiornamenti"),
        # How long until it is done: "成片还要多久", "quanto manca?".
        *("还要多久", "要多久", "多久", "多长时间", "how long", "how much longer"),
        *("quanto ci vuole", "quanto manca", "quanto ci metti"),
    ),
    # "carico" is first person but asks all the same: "come carico un video?"
    Tag.UPLOAD: (
        *("carica", "caricare", "caricalo", "caricala", "caricali", "caricale"),
        *(
            "caricami",
            "carico",
            "carichiamo",
            "caricamento",
            "upload",
            "uploading",
            "上传",
            "上载",
        ),
        # One sends, the person asks how: "come si mandano i video dal telefono?".
        *("si manda", "si mandano", "si invia", "si inviano", "si carica", "si caricano"),
    ),
    Tag.EDIT: (
        *("挪", "挪开", "挪一点", "移", "移动"),  # "move": an edit wherever it stands
        *("raddrizza", "raddrizzalo", "raddrizzala", "straighten"),
        *("creane", "aggiungi", "aggiungere", "aggiungici"),
        *("metti", "mettere", "mettici", "mettilo", "mettila", "mettili", "mettile"),
        *("metterlo", "metterla", "mettimelo", "mettimela", "拿掉"),
        *("cambia", "cambiare", "togli", "togliere"),
        *("rimuovi", "rimuovere", "elimina", "eliminare", "cancella", "taglia"),
        *("tagliare", "accorcia", "allunga", "sposta", "usa", "usare", "inserisci"),
        *("modifica", "modificare", "sostituisci", "velocizza", "rallenta", "ruota"),
        *("tocca", "toccare", "tocchi", "tocchiamo", "toccate", "touch"),
        "ritaglia",
        *("applica", "imposta", "monta", "scrivi", "trasforma"),
        *("unisci", "dividi", "migliora", "sistema", "correggi", "abbassa", "alza"),
        *("sincronizza", "componi", "gira", "giralo", "girala"),
        *("stabilizza", "ruotalo", "schiarisci", "scurisci", "sharpen", "brighten"),
        *("boost", "enhance", "调", "调亮", "修"),
        *("add", "put", "change", "remove", "delete", "cut", "trim", "move"),
        *("use", "insert", "edit", "replace", "set", "apply", "turn", "speed", "slow"),
        *("rotate", "crop", "write", "merge", "split", "fix", "lower"),
        *("raise", "mute", "include", "build", "combine", "swap", "shorten"),
        *("increase", "decrease", "reduce", "adjust", "balance the"),
        *("创建", "添加", "加上", "加入", "加", "改", "改成", "换"),
        *("换成", "删除", "删掉", "去掉", "剪", "剪掉", "剪辑", "放", "放上", "插入"),
        "删",
        # An adjective and 一点, "a bit more …", asks for an edit: "字大一点".
        *("大一点", "亮一点", "暗一点", "慢一点", "短一点", "长一点", "暖一点", "响一点"),
        *("清楚一点", "高一点", "低一点", "轻一点", "近一点", "远一点"),
        *("设置", "调整", "修改", "配", "配上", "用", "变成", "替换", "弄"),
        *("rifallo", "rifalla", "rifai", "rifare", "redo", "remake", "重做", "重新做", "裁"),
    ),
    Tag.PRODUCE: (
        *("genera", "generare", "generami", "generalo", "prepara", "preparami", "prepare"),
        *("crea", "creare", "creami", "create"),
        *("generate", "produce", "produci", "finalizza", "finalize", "生成", "出个", "出一下"),
        # Made of what it names: "rendilo più nitido" an edit, "rendilo e mandamelo" the
        # video; "合成视频发我" the video, "合成一段" an edit.
        *("rendi", "rendilo", "rendila", "renderlo", "renderla", "合成", "制作"),
        # The polite and the plural forms: "produca il video", "preparatelo pure".
        *("produca", "prepari", "generi", "preparate", "preparatemi", "preparatelo"),
        *("generatelo", "createlo", "producetelo"),
        *("crealo", "creamelo", "producilo", "producimelo", "preparalo", "preparamelo"),
        *("compile", "print", "put together", "put it together", "cook"),
        # The verb and its result, the video made: "把视频做出来发我", "做成视频给我".
        *("做出来", "弄出来", "整出来", "搞出来", "做成", "弄个"),
    ),
    Tag.LIGHT: (
        *("fai", "fare", "fammi", "facciamo", "farmelo", "farlo", "fallo", "falla", "make"),
        *("fatelo", "fatemelo", "fatemi", "faccia", "lo faccia", "facci", "famo", "famme"),
        *("做", "做个"),
    ),
    Tag.DELIVER: (
        *("manda", "mandami", "mandare", "mandarmi", "invia", "inviami", "inviare"),
        *("spedisci", "spediscimi", "dammi", "passami", "mandi", "invii", "passi"),
        *("voglio", "vorrei", "dove trovo", "dov e", "send", "give", "get", "want"),
        *("gimme", "drop", "post", "hand over", "bounce"),
        *("inviarmi", "rimanda", "ricevere", "avere", "sforna", "sgancia", "molla"),
        *("tira fuori", "butta", "need", "hand", "发送", "保存", "存到", "拿到", "丢", "甩"),
        *("lemme have", "let me have", "lets have", "let s have", "volere", "传来"),
        *("ho bisogno", "avrei bisogno", "abbiamo bisogno", "avremmo bisogno"),
        *("where is", "where s", "给我", "发", "传", "想要"),
        *("consegna", "consegnami", "consegnamelo", "inoltra", "inoltrami", "mi serve"),
        *("mi servirebbe", "salva", "salvalo", "salvala", "salvamelo", "salvarlo", "save"),
        *("存", "拿"),
        *("sending", "manderebbe", "invierebbe", "ship", "can i have", "could i have"),
        *("may i have", "can we have", "d like", "would like", "id like", "d love"),
        "would love",
        *("deliver", "receive", "to receive"),
        # Sharing it here is sending it: "share it with the group", "condividilo qui".
        *("share", "condividi", "condividilo", "condividila", "pubblicalo", "pubblicala"),
        *("ping me", "dm", "dm me", "分享", "转发"),
        # Speaking to a team ("mandatemi il video") or formally ("me lo trasmetta").
        *("mandatemi", "inviatemi", "speditemi", "spedisca", "passatemi", "datemi"),
        *("consegnatemi", "trasmetta", "trasmettimi", "trasmettetemi", "trasmettere"),
        *("sganciami", "mandime", "mandamme"),
    ),
    Tag.SHOW: (
        *("mostra", "mostrami", "fammi vedere", "vedere", "show", "see", "view"),
        *("查看", "显示", "看看", "看一下", "看"),
    ),
    Tag.THING: (
        *("video", "filmato", "risultato", "montaggio", "movie"),
        *("film", "result", "clip", "final cut", "com e venuto", "come e venuto"),
        *("视频", "成品", "结果", "vid", "final video", "finished video"),
        *("final one", "finished one", "the real one"),
        *("片子", "最终视频", "thing", "finished thing", "draft", "bozza", "filmino"),
        *("slideshow", "montage"),
    ),
    Tag.FILE: (
        *("file", "mp4", "final file", "file finale", "file definitivo", "文件", "最终文件"),
        *("versione definitiva", "versione finale", "final version", "最终版", "完整版"),
    ),
    Tag.CHANGE: (
        *("piu", "meno", "more", "less", "shorter", "longer", "faster", "slower"),
        *("brighter", "darker", "louder", "quieter", "bigger", "smaller", "更"),
        *("to feel", "to look", "to sound", "sembri", "sembrare"),
    ),
    Tag.PROJECT: ("progetto", "project", "lavoro", "work", "项目", "作品"),
    # What is in the video, not the video: "esporta le didascalie in bianco", "render the
    # text bigger", "下载一首歌放进去" ask for an edit with an export word.
    Tag.CONTENT: (
        *("sottotitoli", "sottotitolo", "didascalie", "didascalia", "scritte", "scritta"),
        *("testo", "testi", "titolo", "titoli", "font", "carattere", "musica", "canzone"),
        *("canzoni", "brano", "brani", "colonna sonora", "audio", "voce", "effetto"),
        *("effetti", "transizione", "transizioni", "logo", "filigrana", "adesivo"),
        *("adesivi", "immagine", "immagini", "foto", "sfondo", "base musicale"),
        *("subtitles", "subtitle", "subs", "captions", "caption", "text", "texts"),
        *("title", "titles", "lyrics", "words", "music", "song", "songs", "soundtrack"),
        *("sound", "sounds", "voiceover", "effect", "effects", "transition", "transitions"),
        *("logo", "watermark", "sticker", "stickers", "image", "images", "photo", "photos"),
        *("background", "footage", "stock footage"),
        *("字幕", "文字", "标题", "歌", "歌曲", "音乐", "背景音乐", "配乐", "音效", "特效"),
        *("转场", "贴纸", "水印", "字体", "图片", "照片", "素材", "歌词", "背景"),
    ),
    Tag.DEFER: (
        # "prima di esportare", "before we export", "export的时候": the export comes later.
        *("prima di", "prima de", "prima che", "before we", "before you", "before i"),
        "的时候",
        *("dopo", "piu tardi", "domani", "alla fine", "tra poco", "fra poco", "later"),
        *("after", "tomorrow", "at the end", "once", "以后", "稍后", "待会", "待会儿"),
        *("等会", "等会儿", "回头", "最后", "明天", "再说", "晚点", "per ora", "for now"),
        *("暂时", "not now", "non adesso", "non ora", "finche", "until", "till"),
        # The next export, not this one: "per il prossimo export fallo verticale".
        *("next time", "la prossima volta", "prossima volta", "il prossimo", "al prossimo"),
        *("next one", "下次", "下回", "下一次", "before", "之前先", "导出前", "导出之前"),
        *("发之前", "发我之前", "出片前", "出片之前"),
        *("next week", "settimana prossima", "la prossima settimana", "下周", "下星期", "下礼拜"),
        # Not decided yet: "magari stasera lo esportiamo", "maybe we export tonight".
        *("magari", "forse", "maybe", "perhaps", "也许", "或许", "说不定"),
        # The person will say when: "ci penso stasera", "i'll tell you when to export".
        *("ci penso", "ci pensiamo", "ti faccio sapere", "vi faccio sapere", "ti dico io"),
        *("per adesso", "tell you when", "let you know when", "我再想想", "我想想"),
        *("先到这", "今天先到这", "就到这里", "等阵", "等一阵", "阵间"),  # enough for today; later
        # Once it is sent, a time, not a request: "发完视频怎么存到相册？" ("导出后发我"
        # chains two requests).
        *("发完", "发完之后", "下载完", "下载之后"),
        # A day named: "周日再发出去", "send it on sunday".
        *("周一", "周二", "周三", "周四", "周五", "周六", "周日", "周末", "星期一", "星期二"),
        *("星期三", "星期四", "星期五", "星期六", "星期天", "星期日", "礼拜天", "礼拜六"),
        *("on monday", "on tuesday", "on wednesday", "on thursday", "on friday"),
        *("on saturday", "on sunday", "this weekend", "at the weekend", "on the weekend"),
    ),
    Tag.THEN: (
        *("poi", "e poi", "dopodiche", "dopo di che", "e dopo", "successivamente"),
        *("in seguito", "then", "and then", "afterwards", "afterward", "after that"),
        *("然后", "之后", "接着", "完了"),
    ),
    Tag.WAIT: (
        *("aspetta", "aspetta a", "aspetti", "fermo", "wait", "hold off", "hold on"),
        *("等一下", "等等", "先等等", "等我"),
    ),
    Tag.CONDITION: (
        *("se", "if", "nel caso", "in case", "如果", "要是", "假如", "万一"),
        *("in modo che", "cosi che", "affinche", "in modo da", "so that", "好让", "以便"),
        "的话",  # "发朋友圈的话要裁一下吗": if it goes on WeChat Moments, crop it?
    ),
    Tag.HOW: (
        *("come", "come faccio", "dove", "how", "how do i", "how can i", "where do i"),
        *("怎么", "怎样", "如何", "在哪里", "在哪儿", "哪里"),
        *("in che modo", "in what way", "咋", "咋么", "咋样"),
    ),
    Tag.OWN: ("esporto", "scarico", "salvo", "esportero", "scarichero", "porto", "ricevo"),
    Tag.DEVICE: (
        *("telefono", "cellulare", "smartphone", "iphone", "galleria", "rullino"),
        *("phone", "camera roll", "gallery", "手机", "相册", "朋友圈"),
        # The chat itself: "mandalo nel gruppo", "drop it in the group chat", "发群里".
        *("gruppo", "group", "group chat", "chat", "群", "群里"),
    ),
    Tag.PREP: (
        *("sul", "sullo", "sulla", "nel", "nello", "nella", "in", "al", "on", "onto"),
        *("into", "到", "上", "在", "进", "里"),
    ),
    Tag.SELF: (
        *("da solo", "da sola", "per conto mio", "myself", "i will", "i m going to"),
        *("should i", "shall i"),  # "should I send it?": the person sends, to the bot
        *("自己", "我来"),
        # "到家了我再下载", "如果我下载高清版": the person will do it, later or if at all.
        *("我再", "如果我", "我打算"),
        # Already done, or done before: "已经下载好了", "上次导出花了好久", "i already download".
        # "already" after the verb is haste instead: "send it already".
        *("已经", "上次", "上回", "刚才", "昨天", "i already", "we already", "last time"),
        *("already downloaded", "already got", "already have", "already sent"),
    ),
    # How the bot works, or what usually happens: "come funziona l'esportazione?", "where
    # does the file go when you export?", "导出一般要多久", "volevo sapere se è pronto".
    # The action is spoken of, not asked for.
    Tag.ABOUT: (
        *("come funziona", "come funzionano", "how does", "how do exports", "how it works"),
        *("怎么运作", "如何运作", "原理", "di solito", "usually", "一般", "dove finisce"),
        *("where does", "che formato", "what format", "what resolution", "che risoluzione"),
        *("什么格式", "tieni salvato", "saved somewhere", "存在哪", "存哪里", "存在哪裡"),
        *("dal pc", "dal computer", "on my laptop", "on my computer", "电脑上"),
        *("from my computer", "from the computer", "from my laptop", "from the pc"),
        *("volevo sapere", "vorrei sapere", "i wanted to know", "想知道", "想问一下"),
        *("non so se", "i don t know if", "i m not sure if", "不知道要不要", "会保存", "保存多久"),
        *("si puo", "e possibile", "is it possible to", "is it possible"),  # can it be done?
    ),
    Tag.NEGATION: (
        *("non", "nn", "not", "never", "no need to", "no need", "niente", "nessun"),
        *("不要", "别", "先别", "不用", "不", "没"),
        # An edit declined: "non serve cambiare", "不需要修改", "no more changes", "senza".
        *("non serve", "non c e bisogno di", "senza", "without", "no more", "basta"),
        *("不需要", "不必", "无需", "别再", "不用再", "不要再", "不急着", "别急着", "先不"),
        *("nothing else to", "nothing to", "niente da", "nulla da", "niente altro da"),
        *("先不要", "先不用", "还不要", "还不用", "暂时不要", "暂时别", "先不急着", "不着急"),
        *("唔好", "唔好住", "唔使", "咪住"),  # Cantonese: don't (yet), no need, hold on
        # Taken back: "i didn't mean export", "non volevo esportare", "我不是要导出".
        *("didn t mean", "did not mean", "didn t want", "non volevo", "non intendevo"),
        *("不是要", "我不是要", "没想要"),
        # "no send now please": "no" alone answers, before a verb it refuses.
        *("no send", "no sending", "no export", "no exporting", "no render"),
        *("piu niente", "piu nulla"),  # "non toccare più niente": anymore, not "più corto"
        # Nothing left to change: "没什么要改的了，导出吧", "唔使再改".
        *("没什么要改", "没什么要改的", "没啥要改", "没啥要改的", "没有要改的", "不改了"),
        *("唔使再改", "不用再改", "不用改了", "没什么好改的", "无需修改", "没意见"),
    ),
    Tag.INDEFINITE: ("un", "uno", "una", "a", "an", "another", "new", "nuova", "nuovo"),
    Tag.FILLER: (
        *("mi", "me", "ci", "il", "lo", "la", "l", "i", "gli", "le", "the", "my"),
        *("sto", "sta", "er", "definitivo", "finito", "completo", "finished"),
        *("mio", "mia", "tuo", "your", "our", "nostro", "final", "finale", "this"),
        *("questo", "quel", "quello", "it", "to", "over", "please", "per favore", "ora", "now"),
        # Before the video, what makes it the one to deliver: "make me the real video",
        # "生成最终mp4"; after it, "fammi il video vero".
        *("real", "proper", "completed", "complete", "full", "actual", "vero", "intero"),
        *("vero e proprio", "最终", "最终的", "完整", "完整的", "正式", "正式的"),
        # "fallo uscire", "fai partire il render": the video let out, the render started.
        *("uscire", "usci", "partire"),
        *("adesso", "subito", "qui", "here", "del", "della", "of", "tutto", "whole"),
        *("把", "我", "我的", "这个", "那个", "一下", "请", "现在", "的", "个", "that"),
    ),
    Tag.LINK_WORD: ("link", "url", "ecco", "here is", "here s", "链接", "网址"),
    # Beside a link, what it points to is a model, not material: "fallo come questo",
    # "make it look like this", "照着这个风格做".
    Tag.REFERENCE: (
        *("come questo", "come questa", "come quello", "come quella", "come questi"),
        *("come queste", "come in", "come nel", "come nella", "tipo questo", "tipo questa"),
        *("tipo quello", "stile", "simile", "simili", "uguale", "ispirati", "ispirato"),
        *("ispirandoti", "ispirazione", "spunto", "riferimento", "imita", "sullo stile"),
        *("like this", "like that", "like the", "like in", "like my", "like these"),
        *("look like", "looks like", "style", "same as", "similar", "inspired"),
        *("inspiration", "reference", "imitate", "mimic", "vibe", "vibes", "as in"),
        *("风格", "像", "照着", "参考", "模仿", "一样", "类似", "同款", "仿照", "感觉"),
    ),
    Tag.KNOWN: (
        # Close to an intent word, far from its meaning: "the ending" is not "sending",
        # "spostalo" (move it) is not "esportalo"; 出片效果 is how the output looks, and a
        # verb with 的 describes a video already made or a moment ("发给我的时候": when).
        *("ending", "spostalo", "spostala", "spostali", "spostale", "出片效果"),
        *("导出的", "下载的", "渲染的", "出片的", "发给我的时候", "发我的时候"),
        # A video already made or received: "导出来的颜色", "发过来的那个", "下载完发现".
        *("导出来的", "发过来的", "发来的", "下载完", "导出后", "到处的"),
        *("你发的", "发我的", "发过来是", "够了"),
        # Cannot: a complaint, not a request ("下载不了啊 手机上打不开").
        *("下载不了", "下栽不了", "导出不了", "发不了", "传不了", "打不开"),
        # "after exporting": what follows is asked, not the export ("导出之后视频存在哪").
        *("导出之后", "下载之后", "渲染之后", "出片之后", "发完之后"),
        # Done already: "上回渲染完字幕是歪的"; with 了 it is the first of two steps instead.
        *("渲染完", "导出完", "发完"),
        # 渲染 also means "to set a mood": "渲染一下气氛".
        *("渲染气氛", "渲染一下气氛", "渲染出来", "多渲染", "气氛", "氛围"),
        *("esporterei", "esportato", "esportata", "esportati"),
        *("scaricato", "scaricata", "caricato", "caricata"),
        *("caricati", "esposta", "esposto", "exported", "downloaded", "uploaded"),
        *("e stato", "e stata", "sono stati", "sono state", "stato d animo"),
        *("white balance", "end credits", "opening credits", "closing credits"),
        *("fammi un favore", "piu o meno", "cannot", "下载量", "用户", "费用", "可用", "使用"),
        *("不能", "没法", "无法", "可以", "播放", "一个", "到处都是", "到处是"),
        # "when it is done": a condition, not an editing verb ("弄好了发我").
        *("弄好", "做好", "剪好", "整好", "弄完", "好了"),
        *("fai partire", "fammi sapere", "export ready", "pronto per l export"),
        # Politeness, not a condition or a deferral: "se puoi mandamelo", "方便的时候发我".
        *("se puoi", "se riesci", "se vuoi", "if you can", "if possible", "se possibile"),
        *("可以的话", "如果可以", "方便的时候", "有空的时候", "when you can"),
        *("if you could", "se potesse", "se puo", "se potessi", "if you would", "若可以"),
        "最后的",  # "最后的成片发我": the final video, not "at the end"
        *("几分钟", "到处乱"),
        *("导演", "导游", "导航", "指导", "引导", "导入", "导致", "辅导", "领导"),
        # A verb with 的 names what was sent or made: "我传的视频", "上传的那段".
        *("传的", "发的", "上传的", "下载下来的", "导出的视频"),
        # Waiting for the video, or what it is for: "我妈等着看呢，快发我", "今晚婚礼要放".
        *("等着", "等不及", "等你", "要放", "急用", "要用", "等着用"),
        *("是要发", "是要发到", "download worked", "export worked", "download went"),
        # "pesa meno da scaricare": what the video is for, not a request.
        *("da scaricare", "da esportare", "da mandare", "da inviare"),
        *("mandato", "mandata", "mandati", "mandate", "inviato", "inviata", "inviati"),
        *("spedito", "spedita", "girato", "girata", "passato", "passata"),
        # Wanting, not likeness ("i'd like this added"); a picture, not "like" (像).
        *("图像", "像素", "好像", "录像", "头像"),
        # Ready, not an edit: "all set, send it" ("set the title" is one).
        "all set",
        "gender",  # "gender reveal", one letter from "render"
        *("fai tu", "fate voi", "decidi tu", "decidete voi"),  # up to you, not "make"
        # The bot as the subject, told to the group: "tranquilli che il bot ci manda il
        # video stasera", "the bot's sending it tonight"; "bot, mandamelo" asks it.
        *("il bot ci manda", "il bot ti manda", "il bot vi manda", "il bot manda"),
        *("il bot lo manda", "il bot ce lo manda", "il bot ci mandera", "il bot mandera"),
        *("the bot s sending", "the bot is sending", "the bot will send", "the bot sends"),
        *("bot will send", "bot s sending", "机器人会发", "机器人会发给"),
        # Waiting as haste, not a "wait": "che aspetti a mandarmelo?", "mia madre lo aspetta".
        *("che aspetti", "cosa aspetti", "ke aspetti", "che aspetti a", "che aspettate"),
        *("cosa aspettate", "iche tu aspetti", "lo aspetta", "la aspetta", "lo aspettano"),
        *("aspetta da", "sta aspettando", "stanno aspettando", "mi aspetta", "ci aspetta"),
        *("aspettano", "sto aspettando", "farmi aspettare", "fa aspetta", "aspetto"),
        *("what are you waiting for", "is waiting", "are waiting", "im waiting", "i m waiting"),
    ),
}

# After the video a DELIVER or SHOW verb asks for, these describe the video it should
# become ("voglio il video in verticale", "fammi vedere il video con la musica nuova"):
# an edit, not the video as it is.
DESCRIBING = frozenset(
    {"in", "con", "with", "senza", "without", "come", "like", "tipo", "a colori", "as a"}
)
# ...unless what follows is where, when or how well to have it: "mandami il video in hd",
# "voglio il video per stasera". After a wanting verb ("voglio il video verticale")
# any other word describes the video.
SETTINGS = frozenset(
    {
        *("hd", "full hd", "fullhd", "4k", "2k", "1080p", "1080", "720p", "720", "qualita"),
        *("alta", "buona", "massima", "high", "best", "good", "quality", "risoluzione"),
        *("stasera", "oggi", "domattina", "tonight", "today", "asap", "entro", "by", "per"),
        *("for", "su", "on", "whatsapp", "telegram", "email", "mail", "instagram", "grazie"),
        *("full", "chat", "here", "qui", "questa", "this", "mp4", "vederlo", "vederla"),
        *("averlo", "averla", "riceverlo", "scaricarlo", "see", "have", "get"),
        *("thanks", "pls", "plz", "pronto", "ready", "so", "cosi", "perche", "because", "da"),
        *("private", "privato", "privately", "dm", "pm"),
    }
)
WANTING = frozenset(
    {
        *("voglio", "vorrei", "want", "need", "wanna", "mi serve", "mi servirebbe", "想要"),
        *("d like", "would like", "id like", "d love", "would love"),
    }
)
# Before a sending verb, these make the person its subject: "posso mandare video in 4k?",
# "how do i send it", "in che formato devo inviare i video": the person sends, to the
# bot, and asks how (an upload), where "mandamelo" asks the bot to send.
PERSON_SENDING = frozenset(
    {
        *("manda", "mandare", "mandarti", "mandarvi", "invia", "inviare", "inviarti"),
        *("inviarvi", "spedire", "spedirti", "passarti", "send", "send it", "send them"),
        *("mandarle", "inviarle"),  # the formal "to you": "come posso inviarle le foto?"
        *("发", "传", "发送", "传过来", "发给你", "传给你"),
    }
)
PERSON_MODALS = frozenset(
    {
        *("posso", "possiamo", "devo", "dobbiamo", "si puo", "si possono", "riesco a"),
        *("can i", "can we", "could i", "do i", "do we", "how to", "am i able to"),
        *("any way to", "is there a way to", "c e modo di", "c e un modo per"),
    }
)
# Making these is editing, not delivering: "fai il montaggio", "make a draft".
# Making verbs that carry their object, the video: "generalo pure", "fallo partire",
# "把视频做出来发我". With nothing after them but assent or a send, they make the video.
CARRYING = frozenset(
    {
        *("fallo", "farlo", "farmelo", "fammelo", "fatelo", "fatemelo", "lo faccia"),
        *("generalo", "generamelo", "generarlo", "generatelo", "crealo", "creamelo"),
        *("crearlo", "createlo", "producilo", "producimelo", "produrlo", "producetelo"),
        *("preparalo", "preparamelo", "prepararlo", "preparatelo", "rendilo", "renderlo"),
        *("finalizzalo", "做出来", "弄出来", "整出来"),
        "搞出来",
    }
)
WORK_IN_PROGRESS = frozenset({"montaggio", "montage", "draft", "bozza", "clip", "slideshow"})
# Beside a link (not a media file), these ask to add or use what it points to: "usa questo
# video https://…", "add this too https://…", "这个也加进去 https://…". Words tagged UPLOAD
# or LINK_WORD ask for it too.
ADDING = frozenset(
    {
        *("aggiungi", "aggiungere", "aggiungilo", "aggiungila", "aggiungili", "aggiungile"),
        *("aggiungici", "aggiungimi", "aggiungerlo", "aggiungerla", "metti", "mettici"),
        *("mettilo", "mettila", "mettili", "mettile", "mettere", "metterlo", "metterla"),
        *("mettimelo", "mettimela", "mettine", "usa", "usala", "usalo", "usali", "usale"),
        *("usare", "usarlo", "usarla", "usarle", "usarli", "inserisci", "inseriscilo"),
        *("inseriscila", "inserire", "includi", "includilo", "includila", "includere"),
        *("prendi", "prendilo", "prendila", "prendili", "prendile", "prendere", "piglia"),
        *("importa", "allega", "infila", "anche", "pure", "dentro", "vorrei", "voglio"),
        *("add", "use", "put", "insert", "include", "take", "grab", "pull", "import"),
        *("attach", "throw", "toss", "stick", "also", "want", "need", "wanna", "d like"),
        *("would like", "id like"),
        *("加", "加上", "加入", "添加", "放", "放上", "放进", "用", "用上", "插入", "拿"),
        *("也", "还有", "要", "想要"),
    }
)
# Beside a link, these add nothing to the upload: a message of them and adding words asks
# only for the upload, and no instruction follows it.
PLAIN_BESIDE_LINKS = frozenset(
    {
        *("questo", "questa", "questi", "queste", "quello", "quella", "qui", "qua", "da"),
        *("foto", "video", "clip", "immagine", "immagini", "file", "filmato", "filmati"),
        *("grazie", "ciao", "e", "ed", "altro", "altra", "altri", "altre", "ancora"),
        *("this", "these", "that", "those", "one", "ones", "here", "from", "and", "more"),
        *("photo", "photos", "pic", "pics", "picture", "pictures", "image", "images"),
        *("videos", "clips", "footage", "files", "thanks", "thank", "you", "thx", "pls"),
        *("plz", "as", "well", "in", "s", "too", "is", "are", "link", "hi", "hey"),
        *("这个", "这些", "那个", "这", "那", "里", "这里", "在这", "照片", "图片", "视频"),
        *("素材", "谢谢", "你", "和", "一下", "进去", "去", "吧", "啊", "了"),
    }
)
