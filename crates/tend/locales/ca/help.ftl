# Pàgines públiques d'ajuda: el formulari de contacte a /help/contact.
help-centre = Centre d'ajuda
help-language = Idioma
contact-title = Contacta amb nosaltres
contact-intro = Explica'ns què necessites i et respondrem per correu electrònic.
contact-field-name = El teu nom
contact-field-email = Adreça electrònica
contact-field-subject = Assumpte
contact-field-message = Missatge
contact-field-attachments = Fitxers adjunts
contact-optional = opcional
contact-attachments-hint = Pots adjuntar diversos fitxers, com a màxim { $count } MB en total.
contact-honeypot = Deixa aquest camp en blanc
contact-send = Envia
contact-error-summary = Corregeix els camps marcats.
contact-error-required-email = Escriu la teva adreça electrònica.
contact-error-email = Aquesta adreça electrònica no és vàlida, per exemple nom@example.com.
contact-error-required-message = Escriu el teu missatge.
contact-error-too-long = És massa llarg: com a màxim { $count } caràcters.
contact-error-files-too-large = Els fitxers són massa grans: junts poden ocupar com a màxim { $count } MB. No s'han enviat; tria'n de més petits.
contact-error-too-many-files = Adjunta com a màxim { $count } fitxers.
contact-error-invalid = Revisa aquest camp.
contact-files-again = Per seguretat, els fitxers no es conserven quan el formulari es torna a mostrar; torna'ls a triar.
contact-thanks-title = Gràcies
contact-thanks = Hem rebut el teu missatge i et respondrem a { $to }.
contact-thanks-reference = El número de la teva sol·licitud és #{ $id }.
contact-thanks-again = Envia un altre missatge
contact-not-found-title = No s'ha trobat el formulari
contact-not-found = Aquest formulari de contacte no existeix. Comprova l'enllaç que has seguit.
contact-forbidden-title = No es permet des d'aquest lloc
contact-forbidden = Aquest formulari només es pot enviar des dels llocs web que el seu propietari ha aprovat. Fes servir el formulari del lloc de suport.
contact-rate-limited-title = Massa missatges
contact-rate-limited = Has enviat molts missatges en poc temps. Espera un minut i torna-ho a provar.
contact-too-large-title = Massa gran
contact-too-large = El que has enviat supera els { $count } MB en total. Envia fitxers més petits.
contact-bad-request-title = No s'ha pogut llegir el formulari
contact-bad-request = Torna enrere i envia el formulari de nou.
contact-error-title = Alguna cosa ha fallat
contact-error = No s'ha pogut desar el missatge. Torna-ho a provar d'aquí a uns minuts.
contact-back = Torna al formulari
# El centre d'ajuda (/help/{lang}/): articles, cerca, valoracions.
kb-skip = Salta al contingut
kb-search-label = Cerca al centre d'ajuda
kb-search = Cerca
kb-search-results = Resultats de la cerca de «{ $q }»
kb-search-none = Cap article no coincideix amb la cerca. Proveu altres paraules o contacteu-nos.
kb-empty = Encara no hi ha cap article.
kb-uncategorised = Més articles
kb-untranslated = encara no traduït
kb-not-translated = Aquest article encara no està traduït al català. Es mostra en { $name }.
kb-vote-question = Us ha estat útil?
kb-vote-yes = Sí
kb-vote-no = No
kb-vote-thanks = Gràcies per dir-nos-ho.
kb-contact-prompt = No heu trobat el que cercàveu?
kb-contact-link = Contacteu-nos
kb-not-found-title = No s'ha trobat la pàgina
kb-not-found = Aquesta pàgina no existeix. Proveu de cercar al centre d'ajuda.
kb-rate-limited-title = Massa peticions
kb-rate-limited = Heu fet moltes cerques en poc temps. Espereu un minut i torneu-ho a provar.
# Suggeriments mentre s'escriu (assets/suggest.js).
contact-suggest-title = Aquests articles potser responen la vostra pregunta
contact-suggest-hint = S'obren en una pestanya nova; el vostre missatge es queda aquí.
# El portal de clients (/help/portal).
kb-portal-prompt = Ja ens heu escrit?
kb-portal-link = Vegeu les vostres converses
kb-chat-prompt = Preferiu parlar ara?
kb-chat-link = Xategeu amb nosaltres
portal-title = Les vostres converses
portal-signin-title = Inicieu la sessió per veure les vostres converses
portal-signin-intro = Escriviu l'adreça electrònica des de la qual ens escriviu. Us enviarem un enllaç per iniciar la sessió: no cal contrasenya.
portal-field-email = Adreça electrònica
portal-signin-send = Envieu-me un enllaç d'accés
portal-error-email = Escriviu una adreça electrònica vàlida, com ara nom@example.com.
portal-link-sent-title = Reviseu el correu
portal-link-sent = Si { $to } és una adreça que coneixem, hi hem enviat un enllaç d'accés. L'enllaç funciona una vegada, en { $minutes } minuts.
portal-rate-limited-title = Massa sol·licituds
portal-rate-limited = Heu demanat molts enllaços d'accés en poc temps. Espereu una estona i torneu-ho a provar.
portal-back = Torna al portal
portal-open-title = Inicieu la sessió a les vostres converses
portal-open-intro = Premeu el botó per iniciar la sessió. L'enllaç només funciona una vegada.
portal-open-button = Inicia la sessió
portal-link-invalid-title = Aquest enllaç ja no funciona
portal-link-invalid = { $count ->
    [one] Els enllaços d'accés funcionen una vegada, en { $count } minut. Demaneu-ne un de nou.
   *[other] Els enllaços d'accés funcionen una vegada, en { $count } minuts. Demaneu-ne un de nou.
}
portal-empty = Encara no teniu cap conversa amb nosaltres.
portal-sign-out = Tanca la sessió
portal-contact = Contacteu-nos per a una consulta nova
portal-status-new = Rebuda
portal-status-open = En curs
portal-status-pending = Esperant la vostra resposta
portal-status-solved = Resolta
portal-status-closed = Tancada
portal-back-list = Totes les vostres converses
portal-you = Vós
portal-desk = Equip de suport
portal-reply-title = Respon
portal-field-message = El vostre missatge
portal-field-files = Fitxers
portal-send = Envia
portal-sent = S'ha enviat el vostre missatge.
portal-error-message = Escriviu un missatge abans d'enviar-lo.
portal-error-answer = Trieu si el vostre problema s'ha resolt.
portal-closed = Aquesta conversa està tancada.
portal-confirm-title = S'ha resolt el vostre problema?
portal-confirm-yes = Sí, s'ha resolt
portal-confirm-no = No, no s'ha resolt
portal-confirmed-yes = Gràcies per confirmar-ho. Hem tancat la conversa.
portal-confirmed-no = Ho sentim. Hem reobert la conversa i hi farem el seguiment.
portal-forbidden-title = No permès
portal-forbidden = Aquest formulari només es pot enviar des de la seva pàgina. Torneu a obrir la pàgina i proveu-ho de nou.
portal-not-found-title = No s'ha trobat
portal-not-found = No hi ha cap conversa així entre les vostres.
portal-error-title = Alguna cosa ha fallat
portal-error = Torneu-ho a provar més tard.
portal-mail-subject = El vostre enllaç d'accés
portal-mail-text =
    Hola,

    feu servir aquest enllaç per iniciar la sessió i veure les vostres converses amb nosaltres:

    { $url }

    Funciona una vegada, en { $minutes } minuts. Si no l'heu demanat, podeu ignorar aquest correu.
