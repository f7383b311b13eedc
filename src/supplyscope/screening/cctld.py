"""Countries as evidence from the web addresses and e-mail addresses a list entry's remarks carry.

A website or e-mail domain under a country-code top-level domain (``www.example.gov.sy``,
``info@example.ir``) names the country that domain is delegated to. The table below maps each
ccTLD of the IANA root zone to the ISO 3166-1 alpha-3 code of its territory; it is written from the
root zone's public delegation facts (a ccTLD is the territory's ISO alpha-2 code, with ``.uk`` for
the United Kingdom). Generic TLDs (``.com``, ``.org``, ``.gov``, ...) give nothing, and so do the
ccTLDs that are sold and used worldwide as generic names (:data:`GENERIC_USE`: ``.io``, ``.co``,
``.tv``, ...), the retired ``.su`` and the regional ``.eu``.
"""

from __future__ import annotations

import re

_TABLE = """
ad AND ae ARE af AFG ag ATG al ALB am ARM ao AGO aq ATA ar ARG as ASM at AUT au AUS aw ABW ax ALA az AZE
ba BIH bb BRB bd BGD be BEL bf BFA bg BGR bh BHR bi BDI bj BEN bl BLM bm BMU bn BRN bo BOL bq BES br BRA
bs BHS bt BTN bv BVT bw BWA by BLR bz BLZ ca CAN cd COD cf CAF cg COG ch CHE ci CIV ck COK cl CHL cm CMR
cn CHN cr CRI cu CUB cv CPV cw CUW cx CXR cy CYP cz CZE de DEU dj DJI dk DNK dm DMA do DOM dz DZA ec ECU
ee EST eg EGY eh ESH er ERI es ESP et ETH fi FIN fj FJI fk FLK fo FRO fr FRA ga GAB gd GRD ge GEO gf GUF
gg GGY gh GHA gi GIB gl GRL gm GMB gn GIN gp GLP gq GNQ gr GRC gs SGS gt GTM gu GUM gw GNB gy GUY hk HKG
hm HMD hn HND hr HRV ht HTI hu HUN id IDN ie IRL il ISR im IMN in IND iq IRQ ir IRN is ISL it ITA je JEY
jm JAM jo JOR jp JPN ke KEN kg KGZ kh KHM ki KIR km COM kn KNA kp PRK kr KOR kw KWT ky CYM kz KAZ la LAO
lb LBN lc LCA li LIE lk LKA lr LBR ls LSO lt LTU lu LUX lv LVA ly LBY ma MAR mc MCO md MDA mf MAF mg MDG
mh MHL mk MKD ml MLI mm MMR mn MNG mo MAC mp MNP mq MTQ mr MRT ms MSR mt MLT mu MUS mv MDV mw MWI mx MEX
my MYS mz MOZ na NAM nc NCL ne NER nf NFK ng NGA ni NIC nl NLD no NOR np NPL nr NRU nz NZL om OMN pa PAN
pe PER pf PYF pg PNG ph PHL pk PAK pl POL pm SPM pn PCN pr PRI ps PSE pt PRT pw PLW py PRY qa QAT re REU
ro ROU rs SRB ru RUS rw RWA sa SAU sb SLB sc SYC sd SDN se SWE sg SGP si SVN sj SJM sk SVK sl SLE sm SMR
sn SEN so SOM sr SUR ss SSD st STP sv SLV sx SXM sy SYR sz SWZ tc TCA td TCD tf ATF tg TGO th THA tj TJK
tl TLS tm TKM tn TUN tr TUR tt TTO tw TWN tz TZA ua UKR ug UGA uk GBR um UMI us USA uy URY uz UZB va VAT
vc VCT ve VEN vg VGB vi VIR vn VNM vu VUT wf WLF ye YEM yt MYT za ZAF zm ZMB zw ZWE
"""

GENERIC_USE = frozenset({"ac", "ai", "cc", "co", "fm", "gg", "io", "la", "me", "nu", "sh", "tk", "to", "tv", "ws"})
"""ccTLDs marketed and used worldwide as generic names: they say nothing about a country."""

_words = _TABLE.split()
CCTLD_ISO3: dict[str, str] = {
    tld: iso3 for tld, iso3 in zip(_words[::2], _words[1::2], strict=True) if tld not in GENERIC_USE
}
"""ccTLD (lower case, no dot) -> ISO 3166-1 alpha-3 code of the territory it is delegated to."""

_DOMAIN = re.compile(
    r"(?:\bhttps?://|\bwww\.|[a-z0-9._%+-]@)((?:[a-z0-9-]+\.)*[a-z0-9-]+\.([a-z]{2,}))\b", re.IGNORECASE
)


def web_countries(text: str) -> list[str]:
    """ISO3 codes of the ccTLDs of the websites (``www.``, ``http(s)://``) and e-mail addresses in ``text``."""
    out: list[str] = []
    for m in _DOMAIN.finditer(text):
        iso3 = CCTLD_ISO3.get(m.group(2).lower())
        if iso3 and iso3 not in out:
            out.append(iso3)
    return out
