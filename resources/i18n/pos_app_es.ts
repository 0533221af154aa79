<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About</source>
        <translation>Acerca de</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Entorno</translation>
    </message>
    <message>
        <source>Password store (keyring)</source>
        <translation>Almacén de contraseñas (keyring)</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>no disponible</translation>
    </message>
    <message>
        <source>Log folder</source>
        <translation>Carpeta de registros</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Carpeta de datos</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>Entorno de ejecución</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Abrir la carpeta de registros</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Counter POS for PaySimple</source>
        <translation>Caja registradora para PaySimple</translation>
    </message>
</context>
<context>
    <name>AchAuthorization</name>
    <message>
        <source>my bank</source>
        <translation>mi banco</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>corriente</translation>
    </message>
    <message>
        <source>savings</source>
        <translation>de ahorros</translation>
    </message>
    <message>
        <source>this store</source>
        <translation>esta tienda</translation>
    </message>
    <message>
        <source>Today, %1, I, %2, authorize %3 to debit my %4 account ending in %5 at %6 one time for %7.</source>
        <translation>Hoy, %1, yo, %2, autorizo a %3 a debitar una sola vez %7 de mi cuenta %4 terminada en %5 en %6.</translation>
    </message>
    <message>
        <source>The debit may be returned by my bank (for example for insufficient funds); returned payments are not paid.</source>
        <translation>Mi banco puede devolver el débito (por ejemplo, por fondos insuficientes); un pago devuelto no cuenta como pagado.</translation>
    </message>
    <message>
        <source>I can revoke this authorization by telling %1 before %2, in person or by phone at %3; after that I can ask for a refund.</source>
        <translation>Puedo revocar esta autorización avisando a %1 antes del %2, en persona o por teléfono al %3; pasado ese plazo, puedo pedir un reembolso.</translation>
    </message>
    <message>
        <source>I can revoke this authorization by telling %1 before %2; after that I can ask for a refund.</source>
        <translation>Puedo revocar esta autorización avisando a %1 antes del %2; pasado ese plazo, puedo pedir un reembolso.</translation>
    </message>
    <message>
        <source>Read this to the customer before the bank debit:</source>
        <translation>Lea esto al cliente antes del débito bancario:</translation>
    </message>
    <message>
        <source>I read this to the customer and they agreed  [Alt+A]</source>
        <translation>Se lo leí al cliente y lo aceptó  [Alt+A]</translation>
    </message>
    <message>
        <source>Bank debit authorization</source>
        <translation>Autorización de débito bancario</translation>
    </message>
    <message>
        <source>Charge  [Enter]</source>
        <translation>Cobrar  [Intro]</translation>
    </message>
    <message>
        <source>Cancel  [Esc]</source>
        <translation>Cancelar  [Esc]</translation>
    </message>
</context>
<context>
    <name>AddToPaySimple</name>
    <message>
        <source>Added in PaySimple, but this counter&apos;s customer list could not be updated now. Press Add to PaySimple again later: it finds them in PaySimple and links them, never a second customer.</source>
        <translation>Añadido en PaySimple, pero la lista de clientes de esta caja no se pudo actualizar ahora. Vuelva a pulsar Añadir a PaySimple más tarde: lo encuentra en PaySimple y lo vincula, nunca crea un segundo cliente.</translation>
    </message>
    <message>
        <source>PaySimple refused this counter&apos;s API key; nothing was added. Ask a manager to check the PaySimple settings.</source>
        <translation>PaySimple rechazó la clave de API de esta caja; no se añadió nada. Pida a un encargado que revise la configuración de PaySimple.</translation>
    </message>
    <message>
        <source>Could not reach PaySimple; nothing was added. Check the network connection, then press Add to PaySimple again.</source>
        <translation>No se pudo contactar con PaySimple; no se añadió nada. Revise la conexión de red y vuelva a pulsar Añadir a PaySimple.</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>error %1</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>sin respuesta</translation>
    </message>
    <message>
        <source>PaySimple could not add the customer (%1); nothing was added. Try again in a minute.</source>
        <translation>PaySimple no pudo añadir al cliente (%1); no se añadió nada. Inténtelo de nuevo en un minuto.</translation>
    </message>
    <message>
        <source>The customer could not be added (%1). Press Add to PaySimple again: it checks PaySimple first.</source>
        <translation>No se pudo añadir al cliente (%1). Vuelva a pulsar Añadir a PaySimple: primero consulta PaySimple.</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Añadiendo…</translation>
    </message>
    <message>
        <source>Adding %1 to PaySimple…</source>
        <translation>Añadiendo a %1 a PaySimple…</translation>
    </message>
    <message>
        <source>Checking PaySimple&apos;s customer list for %1… %2 of %3</source>
        <translation>Buscando a %1 en la lista de clientes de PaySimple… %2 de %3</translation>
    </message>
    <message>
        <source>Added to PaySimple: the earlier try had reached PaySimple, so that customer was linked and nothing was added twice. Payments can be taken now.</source>
        <translation>Añadido a PaySimple: el intento anterior había llegado a PaySimple, así que se vinculó ese cliente y no se añadió nada dos veces. Ya se pueden cobrar pagos.</translation>
    </message>
    <message>
        <source>Added to PaySimple. Payments can be taken now.</source>
        <translation>Añadido a PaySimple. Ya se pueden cobrar pagos.</translation>
    </message>
    <message>
        <source>PaySimple needs these details fixed first: %1. Correct them in the window that opened, then Save.</source>
        <translation>PaySimple necesita que primero se corrijan estos datos: %1. Corríjalos en la ventana que se abrió y pulse Guardar.</translation>
    </message>
    <message>
        <source>in about %1 min (after %2)</source>
        <translation>dentro de unos %1 min (después de las %2)</translation>
    </message>
    <message>
        <source>PaySimple did not confirm the add, and the customer is not in PaySimple&apos;s list yet; nothing was sent twice. Press Add to PaySimple again %1: it checks PaySimple first and adds them only if they are not there.</source>
        <translation>PaySimple no confirmó el alta y el cliente aún no está en la lista de PaySimple; no se envió nada dos veces. Vuelva a pulsar Añadir a PaySimple %1: primero consulta PaySimple y solo lo añade si no está.</translation>
    </message>
    <message>
        <source>PaySimple could not be checked for this customer; nothing was sent twice. Press Add to PaySimple again: it checks PaySimple first and adds them only if they are not there.</source>
        <translation>No se pudo consultar PaySimple por este cliente; no se envió nada dos veces. Vuelva a pulsar Añadir a PaySimple: primero consulta PaySimple y solo lo añade si no está.</translation>
    </message>
    <message>
        <source>PaySimple has %1 customers matching what was sent (%2); nothing more was added. A manager should check them in PaySimple and remove the extra one.</source>
        <translation>PaySimple tiene %1 clientes que coinciden con lo enviado (%2); no se añadió nada más. Un encargado debe revisarlos en PaySimple y eliminar el que sobra.</translation>
    </message>
    <message>
        <source>This customer is being added to PaySimple right now (another window or counter). Wait a moment, then search for them again.</source>
        <translation>Este cliente se está añadiendo a PaySimple ahora mismo (otra ventana u otra caja). Espere un momento y vuelva a buscarlo.</translation>
    </message>
</context>
<context>
    <name>AmountEdit</name>
    <message>
        <source>Enter the amount to charge.</source>
        <extracomment>Reasons whose message waits while more digits could still complete the text.</extracomment>
        <translation>Escriba el importe que se cobrará.</translation>
    </message>
    <message>
        <source>Type the amount with the digits 0 to 9 (switch the keyboard to standard digits): %1</source>
        <translation>Escriba el importe con las cifras 0 a 9 (cambie el teclado a cifras normales): %1</translation>
    </message>
    <message>
        <source>The amount contains a hidden character (pasted text?). Clear the field and type it, e.g. %1</source>
        <translation>El importe contiene un carácter oculto (¿texto pegado?). Borre el campo y escríbalo, p. ej. %1</translation>
    </message>
    <message>
        <source>No + or - in the amount (to give money back, refund the payment): %1</source>
        <translation>Sin + ni - en el importe (para devolver dinero, reembolse el pago): %1</translation>
    </message>
    <message>
        <source>Amounts are in US dollars: type the number, at most one $ in front: %1</source>
        <translation>Los importes son en dólares estadounidenses: escriba el número, como mucho con un $ delante: %1</translation>
    </message>
    <message>
        <source>No spaces inside the amount: %1</source>
        <translation>Sin espacios dentro del importe: %1</translation>
    </message>
    <message>
        <source>Use a point for cents: %1</source>
        <translation>Use un punto para los centavos: %1</translation>
    </message>
    <message>
        <source>Use a comma for cents: %1</source>
        <translation>Use una coma para los centavos: %1</translation>
    </message>
    <message>
        <source>A comma separates thousands and is followed by exactly three digits; cents come after a point: %1</source>
        <translation>La coma separa los miles y va seguida de exactamente tres cifras; los centavos van tras un punto: %1</translation>
    </message>
    <message>
        <source>A point separates thousands and is followed by exactly three digits; cents come after a comma: %1</source>
        <translation>El punto separa los miles y va seguido de exactamente tres cifras; los centavos van tras una coma: %1</translation>
    </message>
    <message>
        <source>At most two digits after the point (cents); a comma separates thousands: %1</source>
        <translation>Como máximo dos cifras tras el punto (centavos); la coma separa los miles: %1</translation>
    </message>
    <message>
        <source>At most two digits after the comma (cents); a point separates thousands: %1</source>
        <translation>Como máximo dos cifras tras la coma (centavos); el punto separa los miles: %1</translation>
    </message>
    <message>
        <source>Type the cents after the point, or leave the point out: %1</source>
        <translation>Escriba los centavos tras el punto, o no ponga el punto: %1</translation>
    </message>
    <message>
        <source>Type the cents after the comma, or leave the comma out: %1</source>
        <translation>Escriba los centavos tras la coma, o no ponga la coma: %1</translation>
    </message>
    <message>
        <source>That is not an amount. Type it like this: %1</source>
        <translation>Eso no es un importe. Escríbalo así: %1</translation>
    </message>
    <message>
        <source>The amount must be more than %1</source>
        <translation>El importe debe ser mayor que %1</translation>
    </message>
    <message>
        <source>The amount can be at most %1 per payment.</source>
        <translation>El importe puede ser como máximo %1 por pago.</translation>
    </message>
    <message>
        <source>Amount to charge</source>
        <translation>Importe que se cobrará</translation>
    </message>
</context>
<context>
    <name>ClerkManagementDialog</name>
    <message>
        <source>Clerks</source>
        <translation>Cajeros</translation>
    </message>
    <message>
        <source>Remove clerk</source>
        <translation>Quitar cajero</translation>
    </message>
    <message>
        <source>Set new PIN</source>
        <translation>Poner un PIN nuevo</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cajero</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Gerente</translation>
    </message>
    <message>
        <source>Add clerk</source>
        <translation>Añadir cajero</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Función</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>Repita el PIN</translation>
    </message>
    <message>
        <source>Clerks on this counter</source>
        <translation>Cajeros de esta caja</translation>
    </message>
    <message>
        <source>Add a clerk, or a new PIN for the selected one</source>
        <translation>Añadir un cajero, o un PIN nuevo para el seleccionado</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>gerente</translation>
    </message>
    <message>
        <source>clerk</source>
        <translation>cajero</translation>
    </message>
    <message>
        <source>The two PINs are different. Type them again.</source>
        <translation>Los dos PIN no coinciden. Escríbalos de nuevo.</translation>
    </message>
    <message>
        <source>%1 was added.</source>
        <translation>Se añadió a %1.</translation>
    </message>
    <message>
        <source>Select a clerk in the list first.</source>
        <translation>Primero seleccione un cajero de la lista.</translation>
    </message>
    <message>
        <source>The clerk list was being read again: nothing was changed. Try again.</source>
        <translation>La lista de cajeros se estaba leyendo de nuevo: no se cambió nada. Inténtelo otra vez.</translation>
    </message>
    <message>
        <source>You cannot remove yourself. Another manager can remove you.</source>
        <translation>No puede quitarse a sí mismo. Otro gerente puede quitarlo.</translation>
    </message>
    <message>
        <source>%1 was kept.</source>
        <translation>Se mantuvo a %1.</translation>
    </message>
    <message>
        <source>%1 was removed.</source>
        <translation>Se quitó a %1.</translation>
    </message>
    <message>
        <source>The PIN of %1 was not changed.</source>
        <translation>El PIN de %1 no se cambió.</translation>
    </message>
    <message>
        <source>The new PIN is set.</source>
        <translation>El PIN nuevo está guardado.</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Mantener</translation>
    </message>
    <message>
        <source>Remove %1? They can no longer sign in. Their past payments keep their name.</source>
        <translation>¿Quitar a %1? Ya no podrá iniciar sesión. Sus pagos anteriores conservan su nombre.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Quitar</translation>
    </message>
    <message>
        <source>Set a new PIN for %1? Their old PIN stops working.</source>
        <translation>¿Poner un PIN nuevo para %1? Su PIN anterior deja de funcionar.</translation>
    </message>
    <message>
        <source>&amp;Set new PIN</source>
        <translation>&amp;Poner un PIN nuevo</translation>
    </message>
</context>
<context>
    <name>ClerkMessages</name>
    <message>
        <source>Wrong name or PIN. Tries left before a lockout: %1.</source>
        <translation>Nombre o PIN incorrecto. Intentos antes del bloqueo: %1.</translation>
    </message>
    <message>
        <source>Wrong name or PIN.</source>
        <translation>Nombre o PIN incorrecto.</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again after %1.</source>
        <translation>Demasiados PIN incorrectos. Vuelva a intentarlo después de las %1.</translation>
    </message>
    <message>
        <source>A manager&apos;s PIN must be %1 to %2 digits.</source>
        <translation>El PIN de un gerente debe tener de %1 a %2 dígitos.</translation>
    </message>
    <message>
        <source>The PIN must be %1 to %2 digits.</source>
        <translation>El PIN debe tener de %1 a %2 dígitos.</translation>
    </message>
    <message>
        <source>The clerk file was changed outside this app (clerk %1): sign-in, approvals and clerk changes are refused. Restore the clerk file (clerks.db) from a backup, or ask your support to set the clerks up again.</source>
        <translation>El archivo de cajeros se modificó fuera de esta aplicación (cajero %1): se rechazan los inicios de sesión, las aprobaciones y los cambios de cajeros. Restaure el archivo de cajeros (clerks.db) desde una copia de seguridad o pida a su soporte que vuelva a dar de alta a los cajeros.</translation>
    </message>
    <message>
        <source>Type the PIN with the digits 0-9 only (other digit forms such as １２３４ or ١٢٣٤ are not accepted).</source>
        <translation>Escriba el PIN solo con las cifras 0-9 (no se aceptan otras formas de cifras como １２３４ o ١٢٣٤).</translation>
    </message>
    <message>
        <source>Type the PIN.</source>
        <translation>Escriba el PIN.</translation>
    </message>
    <message>
        <source>The name contains a control or invisible formatting character: type it again.</source>
        <translation>El nombre contiene un carácter de control o de formato invisible: escríbalo de nuevo.</translation>
    </message>
    <message>
        <source>Wrong name or PIN. Tries left before approvals by this manager pause: %1. Wait %2 s before the next try.</source>
        <translation>Nombre o PIN incorrecto. Intentos antes de que se pausen las aprobaciones de este gerente: %1. Espere %2 s antes del siguiente intento.</translation>
    </message>
    <message>
        <source>Wait %1 s before the next try.</source>
        <translation>Espere %1 s antes del siguiente intento.</translation>
    </message>
    <message>
        <source>Too many wrong PINs: approvals by %1 are paused until %2. %1 can still sign in; another manager can approve.</source>
        <translation>Demasiados PIN incorrectos: las aprobaciones de %1 están en pausa hasta las %2. %1 aún puede iniciar sesión; otro gerente puede aprobar.</translation>
    </message>
    <message>
        <source>Only a manager can do this.</source>
        <translation>Solo un gerente puede hacer esto.</translation>
    </message>
    <message>
        <source>Please give a reason.</source>
        <translation>Indique el motivo.</translation>
    </message>
    <message>
        <source>Please enter a name.</source>
        <translation>Escriba un nombre.</translation>
    </message>
    <message>
        <source>The name is too long (at most 40 characters).</source>
        <translation>El nombre es demasiado largo (máximo 40 caracteres).</translation>
    </message>
    <message>
        <source>A clerk named %1 already exists.</source>
        <translation>Ya existe un cajero llamado %1.</translation>
    </message>
    <message>
        <source>You cannot remove yourself.</source>
        <translation>No puede quitarse a sí mismo.</translation>
    </message>
    <message>
        <source>The last manager cannot be removed.</source>
        <translation>No se puede quitar al último gerente.</translation>
    </message>
    <message>
        <source>That clerk no longer exists.</source>
        <translation>Ese cajero ya no existe.</translation>
    </message>
</context>
<context>
    <name>Conformance</name>
    <message>
        <source>the test payment was not approved (form %1, payment %2)</source>
        <translation>el pago de prueba no se aprobó (formulario: %1; pago: %2)</translation>
    </message>
    <message>
        <source>our request filter refused: %1</source>
        <translation>nuestro filtro de peticiones rechazó: %1</translation>
    </message>
    <message>
        <source>%1 Content-Security-Policy report(s) on the page</source>
        <translation>%1 aviso(s) de Content-Security-Policy en la página</translation>
    </message>
    <message>
        <source>the test payment was not voided: void it in PaySimple&apos;s Sandbox</source>
        <translation>el pago de prueba no se anuló: anúlelo en el Sandbox de PaySimple</translation>
    </message>
</context>
<context>
    <name>Counter</name>
    <message>
        <source>That card or bank account does not belong to the selected customer; nothing was charged.</source>
        <translation>Esa tarjeta o cuenta bancaria no pertenece al cliente elegido; no se cobró nada.</translation>
    </message>
    <message>
        <source>Training mode needs the training gateway, which is not installed here. Install it with: pip install &apos;pos-app[training]&apos; (scripts/pos.sh run does), or start Sandbox/Live.</source>
        <translation>El modo de práctica necesita la pasarela de práctica, que no está instalada aquí. Instálela con: pip install &apos;pos-app[training]&apos; (scripts/pos.sh run lo hace), o inicie Sandbox/Real.</translation>
    </message>
    <message>
        <source>There are no API credentials for this environment: run the set-up first.</source>
        <translation>No hay credenciales de la API para este entorno: haga primero la configuración.</translation>
    </message>
    <message>
        <source>Starting the training gateway…</source>
        <translation>Iniciando la pasarela de práctica…</translation>
    </message>
    <message>
        <source>Connecting to PaySimple…</source>
        <translation>Conectando con PaySimple…</translation>
    </message>
    <message>
        <source>Checking unfinished payments with PaySimple…</source>
        <translation>Comprobando con PaySimple los pagos sin terminar…</translation>
    </message>
    <message>
        <source>Syncing customers…</source>
        <translation>Sincronizando clientes…</translation>
    </message>
    <message>
        <source>Syncing customers %1/%2…</source>
        <translation>Sincronizando clientes %1/%2…</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Something went wrong</source>
        <translation>Algo salió mal</translation>
    </message>
    <message>
        <source>The app hit an unexpected problem (%1) and could not finish what it was doing.</source>
        <translation>La aplicación tuvo un problema inesperado (%1) y no pudo terminar lo que estaba haciendo.</translation>
    </message>
    <message>
        <source>Your payments are safe: every payment is saved before it is sent, and anything unfinished is checked with PaySimple automatically.</source>
        <translation>Sus pagos están a salvo: cada pago se guarda antes de enviarse y lo que quedó sin terminar se comprueba automáticamente con PaySimple.</translation>
    </message>
    <message>
        <source>What to do: close this message and carry on. If a payment was in progress, look at its status before charging again. If this keeps happening, restart the app and send the crash report to your support contact.</source>
        <translation>Qué hacer: cierre este mensaje y continúe. Si había un pago en curso, mire su estado antes de cobrar otra vez. Si vuelve a pasar, reinicie la aplicación y envíe el informe de error a su contacto de soporte.</translation>
    </message>
    <message>
        <source>Crash report: %1</source>
        <translation>Informe de error: %1</translation>
    </message>
    <message>
        <source>The crash report could not be written.</source>
        <translation>No se pudo guardar el informe de error.</translation>
    </message>
    <message>
        <source>Open report folder</source>
        <translation>Abrir la carpeta del informe</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>This happened %1 times.</source>
        <translation>Esto ha pasado %1 veces.</translation>
    </message>
</context>
<context>
    <name>CsvImport</name>
    <message>
        <source>Line is too long: %1 characters, and a customer record has at most %2; it was not read (is this a customer list?)</source>
        <translation>La línea es demasiado larga: %1 caracteres, y un registro de cliente tiene como máximo %2; no se leyó (¿es una lista de clientes?)</translation>
    </message>
    <message>
        <source>The record is too long: %1 characters, and a customer record has at most %2; it was not read (is this a customer list?)</source>
        <translation>El registro es demasiado largo: %1 caracteres, y un registro de cliente tiene como máximo %2; no se leyó (¿es una lista de clientes?)</translation>
    </message>
    <message>
        <source>broken quoting: a quoted field is never closed (a quote inside a quoted field must be doubled: &quot;&quot;)</source>
        <translation>comillas rotas: un campo entre comillas nunca se cierra (una comilla dentro de un campo entre comillas debe ir doble: &quot;&quot;)</translation>
    </message>
    <message>
        <source>broken quoting: text after a closing quote (a quote inside a quoted field must be doubled: &quot;&quot;)</source>
        <translation>comillas rotas: hay texto después de una comilla de cierre (una comilla dentro de un campo entre comillas debe ir doble: &quot;&quot;)</translation>
    </message>
    <message>
        <source>broken quoting: a quote inside a field that does not start with one (put the whole field in quotes and double the quote inside it: &quot;Robert &quot;&quot;Bob&quot;&quot;&quot;)</source>
        <translation>comillas rotas: una comilla dentro de un campo que no empieza con comilla (ponga todo el campo entre comillas y duplique la comilla de dentro: &quot;Robert &quot;&quot;Bob&quot;&quot;&quot;)</translation>
    </message>
    <message>
        <source>broken quoting: %1</source>
        <translation>comillas rotas: %1</translation>
    </message>
    <message>
        <source>broken quoting: the line does not form one record</source>
        <translation>comillas rotas: la línea no forma un solo registro</translation>
    </message>
    <message>
        <source>broken quoting: a quote runs into the following lines</source>
        <translation>comillas rotas: una comilla sigue en las líneas siguientes</translation>
    </message>
    <message>
        <source>has %1 fields, the header has %2</source>
        <translation>tiene %1 campos y la cabecera tiene %2</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>ilegible</translation>
    </message>
    <message>
        <source>The file is empty: there is no header line. Nothing was imported.</source>
        <translation>El archivo está vacío: no hay línea de cabecera. No se importó nada.</translation>
    </message>
    <message>
        <source>The first line (the header, line %1) is %2 characters long; a header line has at most %3. This does not look like a customer list with a header line (check that the file is a CSV export and that its lines are separated). Nothing was imported.</source>
        <translation>La primera línea (la cabecera, línea %1) tiene %2 caracteres; una línea de cabecera tiene como máximo %3. No parece una lista de clientes con línea de cabecera (compruebe que el archivo es una exportación CSV y que sus líneas están separadas). No se importó nada.</translation>
    </message>
    <message>
        <source>The header line (line %1) cannot be read: %2. Nothing was imported.</source>
        <translation>No se puede leer la línea de cabecera (línea %1): %2. No se importó nada.</translation>
    </message>
    <message>
        <source>Column %1 contains a control or invisible formatting character, %2, at character %3: remove it and type the text again.</source>
        <translation>La columna %1 contiene un carácter de control o de formato invisible, %2, en el carácter %3: quítelo y escriba el texto de nuevo.</translation>
    </message>
    <message>
        <source>Column %1 (not imported) holds binary data (%2 at character %3): the line is damaged.</source>
        <translation>La columna %1 (no importada) contiene datos binarios (%2 en el carácter %3): la línea está dañada.</translation>
    </message>
    <message>
        <source>%1 (was %2)</source>
        <translation>%1 (era %2)</translation>
    </message>
    <message>
        <source>Imported, but PaySimple will not accept this billing address until it is completed: %1</source>
        <translation>Importado, pero PaySimple no aceptará esta dirección de facturación hasta que esté completa: %1</translation>
    </message>
    <message>
        <source>Duplicate account number %1 (first on line %2).</source>
        <translation>Número de cuenta repetido %1 (aparece antes en la línea %2).</translation>
    </message>
    <message>
        <source>Same person as line %1 (same name and email or phone).</source>
        <translation>La misma persona que en la línea %1 (mismo nombre y correo o teléfono).</translation>
    </message>
    <message>
        <source>Imported, but line %1 just before it holds binary data (control characters): part of the file may be damaged; check that this customer is real.</source>
        <translation>Importado, pero la línea %1, justo antes, contiene datos binarios (caracteres de control): parte del archivo puede estar dañada; compruebe que este cliente es real.</translation>
    </message>
</context>
<context>
    <name>CsvImportDialog</name>
    <message>
        <source>Import customers from CSV</source>
        <translation>Importar clientes desde CSV</translation>
    </message>
    <message>
        <source>Bring customers over from another register or a spreadsheet. The file needs a header line with first and last name columns (or one Name column); phone, e-mail, account no. and address columns are used when present. Card numbers are never imported. Importing the same file again adds nobody twice.</source>
        <translation>Traiga clientes de otra caja o de una hoja de cálculo. El archivo necesita una línea de encabezado con columnas de nombre y apellido (o una sola columna Nombre); las columnas de teléfono, correo, n.º de cuenta y dirección se usan si existen. Los números de tarjeta nunca se importan. Importar el mismo archivo otra vez no duplica a nadie.</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>Elegir archivo…</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>Ningún archivo elegido</translation>
    </message>
    <message>
        <source>Open report</source>
        <translation>Abrir informe</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>Guardar informe…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Choose the customer file</source>
        <translation>Elija el archivo de clientes</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>Archivos CSV (*.csv *.txt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Importando %1…</translation>
    </message>
    <message>
        <source>Importing %1… %2 of %3 rows</source>
        <translation>Importando %1… %2 de %3 filas</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>Deteniendo tras el lote actual…</translation>
    </message>
    <message>
        <source>No program on this computer opens CSV files. Copy the path below, or save the report where you keep files and open it from another computer.</source>
        <translation>Ningún programa de este equipo abre archivos CSV. Copie la ruta de abajo, o guarde el informe donde guarda sus archivos y ábralo desde otro equipo.</translation>
    </message>
    <message>
        <source>The report is here:</source>
        <translation>El informe está aquí:</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>Informe de importación</translation>
    </message>
    <message>
        <source>Save the import report</source>
        <translation>Guardar el informe de importación</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>Saving the report…</source>
        <translation>Guardando el informe…</translation>
    </message>
    <message>
        <source>Report saved.</source>
        <translation>Informe guardado.</translation>
    </message>
    <message>
        <source>Import cancelled. Customers of the rows read before Cancel were kept; import the file again to finish (nobody is added twice).</source>
        <translation>Importación cancelada. Se conservaron los clientes de las filas leídas antes de Cancelar; importe el archivo otra vez para terminar (nadie se añade dos veces).</translation>
    </message>
    <message>
        <source>Import finished: %1 rows read.</source>
        <translation>Importación terminada: %1 filas leídas.</translation>
    </message>
    <message>
        <source>New customers: %1 · Updated: %2 · Already imported: %3</source>
        <translation>Clientes nuevos: %1 · Actualizados: %2 · Ya importados: %3</translation>
    </message>
    <message>
        <source>Already in PaySimple: %1 · Bad rows skipped: %2</source>
        <translation>Ya en PaySimple: %1 · Filas erróneas omitidas: %2</translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation>Línea %1: %2</translation>
    </message>
    <message>
        <source>…and %1 more bad rows: see the report.</source>
        <translation>…y %1 filas erróneas más: vea el informe.</translation>
    </message>
    <message>
        <source>%1 rows imported with a warning (see the report).</source>
        <translation>%1 filas importadas con un aviso (vea el informe).</translation>
    </message>
    <message>
        <source>Customers of finished batches were kept.</source>
        <translation>Se conservaron los clientes de los lotes terminados.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguna)</translation>
    </message>
    <message>
        <source>Wrong columns: the file has no column %1 (or one “Name” column). Columns found: %2. Nothing was imported.</source>
        <translation>Columnas incorrectas: el archivo no tiene la columna %1 (ni una columna “Name”). Columnas encontradas: %2. No se importó nada.</translation>
    </message>
    <message>
        <source> and </source>
        <translation> y </translation>
    </message>
    <message>
        <source>The file could not be read (%1). Nothing was imported.</source>
        <translation>No se pudo leer el archivo (%1). No se importó nada.</translation>
    </message>
    <message>
        <source>The import stopped because of an error (%1). Customers of finished batches were kept; the next import of this file adds nobody twice.</source>
        <translation>La importación se detuvo por un error (%1). Se conservaron los clientes de los lotes terminados; la próxima importación de este archivo no duplica a nadie.</translation>
    </message>
</context>
<context>
    <name>CustomerEditDialog</name>
    <message>
        <source>First name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Apellido</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Empresa</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Correo</translation>
    </message>
    <message>
        <source>Account no.</source>
        <translation>N.º de cuenta</translation>
    </message>
    <message>
        <source>Billing street</source>
        <translation>Calle (facturación)</translation>
    </message>
    <message>
        <source>Street line 2</source>
        <translation>Calle, línea 2</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ciudad</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>ZIP code</source>
        <translation>Código postal</translation>
    </message>
    <message>
        <source>not in PaySimple yet</source>
        <translation>aún no está en PaySimple</translation>
    </message>
    <message>
        <source>Name or code, e.g. Colorado or CO</source>
        <translation>Nombre o código, p. ej. Colorado o CO</translation>
    </message>
    <message>
        <source>Edit customer</source>
        <translation>Editar cliente</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>Cliente nuevo</translation>
    </message>
    <message>
        <source>First and last name are required (*). The billing address is optional; once any part of it is filled in, street, city and ZIP code are needed too.</source>
        <translation>Nombre y apellido son obligatorios (*). La dirección de facturación es opcional; en cuanto se rellena una parte, también hacen falta calle, ciudad y código postal.</translation>
    </message>
    <message>
        <source>This customer came from an import and is not in PaySimple yet. Saving adds them to PaySimple, so payments can be taken.</source>
        <translation>Este cliente vino de una importación y aún no está en PaySimple. Al guardar se añade a PaySimple y se le podrán cobrar pagos.</translation>
    </message>
    <message>
        <source>The customer is created in PaySimple first, then added to this counter&apos;s customer list.</source>
        <translation>El cliente se crea primero en PaySimple y después se añade a la lista de clientes de esta caja.</translation>
    </message>
    <message>
        <source>Billing address (optional)</source>
        <translation>Dirección de facturación (opcional)</translation>
    </message>
    <message>
        <source>e.g. 303 555 0100 (+1 is fine)</source>
        <translation>p. ej. 303 555 0100 (+1 también vale)</translation>
    </message>
    <message>
        <source>Changes are saved in PaySimple first, then in this counter&apos;s customer list.</source>
        <translation>Los cambios se guardan primero en PaySimple y después en la lista de clientes de esta caja.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>This customer may already exist:</source>
        <translation>Puede que este cliente ya exista:</translation>
    </message>
    <message>
        <source>and %1 more</source>
        <translation>y %1 más</translation>
    </message>
    <message>
        <source>&amp;Open %1</source>
        <translation>&amp;Abrir a %1</translation>
    </message>
    <message>
        <source>Save as new customer</source>
        <translation>Guardar como cliente nuevo</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>nombre@ejemplo.com</translation>
    </message>
    <message>
        <source>Checking for this customer…</source>
        <translation>Comprobando si el cliente ya existe…</translation>
    </message>
    <message>
        <source>Saving in PaySimple…</source>
        <translation>Guardando en PaySimple…</translation>
    </message>
    <message>
        <source>Saved in PaySimple. This counter&apos;s customer list could not be updated right now; the customer appears there after the next sync.</source>
        <translation>Guardado en PaySimple. La lista de clientes de esta caja no se pudo actualizar ahora; el cliente aparecerá tras la próxima sincronización.</translation>
    </message>
    <message>
        <source>PaySimple refused the details; nothing was saved. Correct the marked fields and press Save again.</source>
        <translation>PaySimple rechazó los datos; no se guardó nada. Corrija los campos marcados y pulse Guardar otra vez.</translation>
    </message>
    <message>
        <source>PaySimple no longer has this customer (deleted meanwhile); nothing was saved. Close this window and search again.</source>
        <translation>PaySimple ya no tiene este cliente (se eliminó mientras tanto); no se guardó nada. Cierre esta ventana y busque otra vez.</translation>
    </message>
    <message>
        <source>PaySimple refused this counter&apos;s API key; nothing was saved. Ask a manager to check the PaySimple settings.</source>
        <translation>PaySimple rechazó la clave API de esta caja; no se guardó nada. Pida a un gerente que revise la configuración de PaySimple.</translation>
    </message>
    <message>
        <source>PaySimple did not confirm the save (%1). The customer may have been created anyway: search for them before saving again, so they are not created twice.</source>
        <translation>PaySimple no confirmó el guardado (%1). Puede que el cliente se haya creado igualmente: búsquelo antes de guardar otra vez, para no crearlo dos veces.</translation>
    </message>
    <message>
        <source>PaySimple did not confirm the save (%1). The change may have been saved anyway: search for the customer and check before saving again.</source>
        <translation>PaySimple no confirmó el guardado (%1). Puede que el cambio se haya guardado igualmente: busque al cliente y compruébelo antes de guardar otra vez.</translation>
    </message>
    <message>
        <source>Could not reach PaySimple; nothing was saved. Check the network connection, then press Save again.</source>
        <translation>No se pudo contactar con PaySimple; no se guardó nada. Revise la conexión de red y pulse Guardar otra vez.</translation>
    </message>
    <message>
        <source>PaySimple could not save the customer (%1); nothing was saved. Try again in a minute.</source>
        <translation>PaySimple no pudo guardar el cliente (%1); no se guardó nada. Inténtelo de nuevo en un minuto.</translation>
    </message>
    <message>
        <source>The customer could not be saved (%1). Search for them before trying again.</source>
        <translation>No se pudo guardar el cliente (%1). Búsquelo antes de intentarlo otra vez.</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>error %1</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>sin respuesta</translation>
    </message>
</context>
<context>
    <name>CustomerPanel</name>
    <message>
        <source>Cards and bank accounts on file</source>
        <translation>Tarjetas y cuentas bancarias guardadas</translation>
    </message>
    <message>
        <source>Make default  [Ctrl+D]</source>
        <translation>Predeterminar  [Ctrl+D]</translation>
    </message>
    <message>
        <source>Remove  [Del]</source>
        <translation>Quitar  [Supr]</translation>
    </message>
    <message>
        <source>Replace expired</source>
        <translation>Sustituir caducada</translation>
    </message>
    <message>
        <source>Add card  [F8]</source>
        <translation>Añadir tarjeta  [F8]</translation>
    </message>
    <message>
        <source>Update payment details: add a card the customer asks to keep on file (nothing is charged)</source>
        <translation>Actualizar datos de pago: añadir una tarjeta que el cliente pide guardar (no se cobra nada)</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Importe</translation>
    </message>
    <message>
        <source>USD $</source>
        <translation>USD $</translation>
    </message>
    <message>
        <source>Add to PaySimple</source>
        <translation>Añadir a PaySimple</translation>
    </message>
    <message>
        <source>New card  [F6]</source>
        <translation>Tarjeta nueva  [F6]</translation>
    </message>
    <message>
        <source>New bank account  [F7]</source>
        <translation>Cuenta bancaria nueva  [F7]</translation>
    </message>
</context>
<context>
    <name>CustomerRules</name>
    <message>
        <source>Street</source>
        <translation>Calle</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ciudad</translation>
    </message>
    <message>
        <source>ZIP code</source>
        <translation>Código postal</translation>
    </message>
    <message>
        <source>%1 is needed with an address (street, city and ZIP code), or leave the whole address empty.</source>
        <translation>%1: hace falta con una dirección (calle, ciudad y código postal), o deje toda la dirección vacía.</translation>
    </message>
    <message>
        <source>Phone takes digits, spaces, dashes, dots and brackets only, e.g. 303 555 0100 (+1 is fine).</source>
        <translation>El teléfono solo admite cifras, espacios, guiones, puntos y paréntesis, p. ej. 303 555 0100 (+1 está bien).</translation>
    </message>
    <message>
        <source>Phone needs 10 digits with the area code, e.g. 303 555 0100 (+1 is fine). This one has %1.</source>
        <translation>El teléfono necesita 10 cifras con el código de área, p. ej. 303 555 0100 (+1 está bien). Este tiene %1.</translation>
    </message>
    <message>
        <source>State &quot;%1&quot; is not a US state: pick one from the list, or type its name or code (CO).</source>
        <translation>El estado «%1» no es un estado de EE. UU.: elija uno de la lista, o escriba su nombre o código (CO).</translation>
    </message>
    <message>
        <source>Saved in PaySimple (customer #%1), but this computer&apos;s customer list could not be updated (%2). It will appear after the next sync.</source>
        <translation>Guardado en PaySimple (cliente n.º %1), pero la lista de clientes de este equipo no se pudo actualizar (%2). Aparecerá tras la próxima sincronización.</translation>
    </message>
</context>
<context>
    <name>CustomerSync</name>
    <message>
        <source>A customer sync is already running for this customer list.</source>
        <translation>Ya se está sincronizando esta lista de clientes.</translation>
    </message>
</context>
<context>
    <name>CvvDialog</name>
    <message>
        <source>Charge card on file</source>
        <translation>Cobrar a la tarjeta guardada</translation>
    </message>
    <message>
        <source>CVV, %1 digits (optional)</source>
        <translation>CVV, %1 dígitos (opcional)</translation>
    </message>
    <message>
        <source>Charge  [Enter]</source>
        <translation>Cobrar  [Intro]</translation>
    </message>
    <message>
        <source>Cancel  [Esc]</source>
        <translation>Cancelar  [Esc]</translation>
    </message>
    <message>
        <source>This card&apos;s CVV has %1 digits. Type it, or leave it empty.</source>
        <translation>El CVV de esta tarjeta tiene %1 dígitos. Escríbalo o déjelo vacío.</translation>
    </message>
</context>
<context>
    <name>Declines</name>
    <message>
        <source>Refer to Issuer</source>
        <extracomment>Documented failure codes (reference §8, DOC-FAIL / DOC-TESTERR): card processors 40xx-42xx, ACH (Forte) 45xx. The English is PaySimple&apos;s documented description, word for word.</extracomment>
        <translation>Consulte con el banco emisor</translation>
    </message>
    <message>
        <source>Refer to Issuer – Special Condition</source>
        <translation>Consulte con el banco emisor (condición especial)</translation>
    </message>
    <message>
        <source>Invalid Merchant ID</source>
        <translation>ID de comercio no válido</translation>
    </message>
    <message>
        <source>Pick up Card (no Fraud)</source>
        <translation>Retenga la tarjeta (sin fraude)</translation>
    </message>
    <message>
        <source>Do Not Honor</source>
        <translation>No aceptar (el banco rechazó el pago)</translation>
    </message>
    <message>
        <source>General Error</source>
        <translation>Error general</translation>
    </message>
    <message>
        <source>Pick up card, special condition (fraud)</source>
        <translation>Retenga la tarjeta, condición especial (fraude)</translation>
    </message>
    <message>
        <source>Invalid card number</source>
        <translation>Número de tarjeta no válido</translation>
    </message>
    <message>
        <source>Lost card (fraud)</source>
        <translation>Tarjeta perdida (fraude)</translation>
    </message>
    <message>
        <source>Invalid Expiration Date</source>
        <translation>Fecha de caducidad no válida</translation>
    </message>
    <message>
        <source>Transaction not permitted-Terminal</source>
        <translation>Operación no permitida en este terminal</translation>
    </message>
    <message>
        <source>CVV2 value invalid</source>
        <translation>CVV2 no válido</translation>
    </message>
    <message>
        <source>account configuration error</source>
        <translation>error de configuración de la cuenta</translation>
    </message>
    <message>
        <source>Invalid ABA routing number</source>
        <translation>Número de ruta ABA no válido</translation>
    </message>
    <message>
        <source>Maximum amount exceeded</source>
        <translation>Importe máximo superado</translation>
    </message>
    <message>
        <source>Monthly limit exceeded</source>
        <translation>Límite mensual superado</translation>
    </message>
    <message>
        <source>Daily limit exceeded</source>
        <translation>Límite diario superado</translation>
    </message>
    <message>
        <source>Duplicate transaction</source>
        <translation>Operación duplicada</translation>
    </message>
    <message>
        <source>Known bad account</source>
        <translation>Cuenta conocida como no válida</translation>
    </message>
    <message>
        <source>Invalid merchant id or password</source>
        <translation>ID de comercio o contraseña no válidos</translation>
    </message>
    <message>
        <source>Unknown error</source>
        <translation>Error desconocido</translation>
    </message>
    <message>
        <source>Try a different payment method</source>
        <extracomment>What PaySimple tells the merchant to do, as its sandbox and the training gateway word it.</extracomment>
        <translation>Pruebe con otro medio de pago</translation>
    </message>
    <message>
        <source>Try a different payment method.</source>
        <translation>Pruebe con otro medio de pago.</translation>
    </message>
    <message>
        <source>Try again later or use a different payment method.</source>
        <translation>Vuelva a intentarlo más tarde o use otro medio de pago.</translation>
    </message>
    <message>
        <source>Do not retry this card. Ask for a different payment method.</source>
        <translation>No vuelva a intentarlo con esta tarjeta. Pida otro medio de pago.</translation>
    </message>
    <message>
        <source>Check the card number or use a different card.</source>
        <translation>Revise el número de tarjeta o use otra tarjeta.</translation>
    </message>
    <message>
        <source>Check the expiration date and try again.</source>
        <translation>Revise la fecha de caducidad y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Try again tomorrow or use a different payment method.</source>
        <translation>Vuelva a intentarlo mañana o use otro medio de pago.</translation>
    </message>
    <message>
        <source>Check whether this payment was already made.</source>
        <translation>Compruebe si este pago ya se hizo.</translation>
    </message>
    <message>
        <source>Use a smaller amount or a different payment method.</source>
        <translation>Use un importe menor u otro medio de pago.</translation>
    </message>
    <message>
        <source>Contact customer service.</source>
        <translation>Contacte con atención al cliente.</translation>
    </message>
    <message>
        <source>Check the routing number.</source>
        <translation>Revise el número de ruta.</translation>
    </message>
</context>
<context>
    <name>EmailReceipt</name>
    <message>
        <source>%1 has no e-mail address on file. Add one (Edit customer) or print the receipt.</source>
        <translation>%1 no tiene correo electrónico registrado. Añada uno (Editar cliente) o imprima el recibo.</translation>
    </message>
    <message>
        <source>PaySimple has no payment for this attempt, so there is no receipt to e-mail. Print it or save it as PDF.</source>
        <translation>PaySimple no tiene ningún pago para este intento, así que no hay recibo que enviar por correo. Imprímalo o guárdelo como PDF.</translation>
    </message>
    <message>
        <source>The e-mail address on file for %1 has changed: nothing was sent. E-mail the receipt again to see the new address.</source>
        <translation>La dirección de correo registrada de %1 ha cambiado: no se envió nada. Vuelva a enviar el recibo por correo para ver la nueva dirección.</translation>
    </message>
    <message>
        <source>PaySimple could not be reached; nothing was sent. Try again.</source>
        <translation>No se pudo contactar con PaySimple; no se envió nada. Inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>PaySimple does not offer e-mailing this receipt again. Print it or save it as PDF.</source>
        <translation>PaySimple no permite volver a enviar este recibo por correo. Imprímalo o guárdelo como PDF.</translation>
    </message>
    <message>
        <source>The answer from PaySimple was lost: the receipt may have been sent. Ask the customer before sending it again.</source>
        <translation>Se perdió la respuesta de PaySimple: puede que el recibo se haya enviado. Pregunte al cliente antes de enviarlo otra vez.</translation>
    </message>
    <message>
        <source>PaySimple did not send the receipt: %1</source>
        <translation>PaySimple no envió el recibo: %1</translation>
    </message>
    <message>
        <source>Asking PaySimple for the customer&apos;s e-mail address…</source>
        <translation>Pidiendo a PaySimple el correo electrónico del cliente…</translation>
    </message>
    <message>
        <source>E-mail receipt</source>
        <translation>Enviar recibo por correo</translation>
    </message>
    <message>
        <source>E-mail the receipt to %1?</source>
        <translation>¿Enviar el recibo a %1?</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>PaySimple sends it to the address it has on file for this customer.</source>
        <translation>PaySimple lo envía a la dirección que tiene registrada para este cliente.</translation>
    </message>
    <message>
        <source>Not e-mailed.</source>
        <translation>No se envió por correo.</translation>
    </message>
    <message>
        <source>Sending the receipt to %1…</source>
        <translation>Enviando el recibo a %1…</translation>
    </message>
    <message>
        <source>Receipt e-mailed to %1.</source>
        <translation>Recibo enviado por correo a %1.</translation>
    </message>
    <message>
        <source>The receipt was not e-mailed: %1</source>
        <translation>El recibo no se envió por correo: %1</translation>
    </message>
</context>
<context>
    <name>EndOfDay</name>
    <message>
        <source>Could not read PaySimple&apos;s payment list: %1</source>
        <translation>No se pudo leer la lista de pagos de PaySimple: %1</translation>
    </message>
    <message>
        <source>needs review: %1</source>
        <translation>requiere revisión: %1</translation>
    </message>
    <message>
        <source>a manager must check it</source>
        <translation>un gerente debe revisarlo</translation>
    </message>
    <message>
        <source>journal state %1</source>
        <translation>estado en el registro: %1</translation>
    </message>
    <message>
        <source>%1 PaySimple payments carry this OrderId: %2</source>
        <translation>%1 pagos de PaySimple llevan este OrderId: %2</translation>
    </message>
    <message>
        <source>journal %1 but PaySimple has no payment with this OrderId</source>
        <translation>registro: %1, pero PaySimple no tiene ningún pago con este OrderId</translation>
    </message>
    <message>
        <source>journal %1 (not charged) but PaySimple has %2</source>
        <translation>registro: %1 (no cobrado), pero PaySimple tiene %2</translation>
    </message>
    <message>
        <source>journal %1 vs PaySimple %2</source>
        <translation>registro: %1; PaySimple: %2</translation>
    </message>
    <message>
        <source>journal %1 vs PaySimple %2 (status)</source>
        <translation>registro: %1; PaySimple: %2 (estado)</translation>
    </message>
    <message>
        <source>journal refunded but PaySimple shows no refund credit</source>
        <translation>el registro dice reembolsado, pero PaySimple no muestra el abono del reembolso</translation>
    </message>
    <message>
        <source>PaySimple has a refund credit but the journal says %1</source>
        <translation>PaySimple tiene un abono de reembolso, pero el registro dice %1</translation>
    </message>
    <message>
        <source>PaySimple %1 %2 for customer %3 with OrderId %4 is not in the journal</source>
        <translation>El pago de PaySimple %1 %2 del cliente %3 con OrderId %4 no está en el registro</translation>
    </message>
</context>
<context>
    <name>EndOfDayDialog</name>
    <message>
        <source>Reading PaySimple&apos;s payments: %1…</source>
        <translation>Leyendo los pagos de PaySimple: %1…</translation>
    </message>
    <message>
        <source>Only at PaySimple</source>
        <translation>Solo en PaySimple</translation>
    </message>
    <message>
        <source>Missing at PaySimple</source>
        <translation>Falta en PaySimple</translation>
    </message>
    <message>
        <source>Different amount</source>
        <translation>Importe distinto</translation>
    </message>
    <message>
        <source>Different status</source>
        <translation>Estado distinto</translation>
    </message>
    <message>
        <source>Charged more than once</source>
        <translation>Cobrado más de una vez</translation>
    </message>
    <message>
        <source>Not resolved yet</source>
        <translation>Todavía sin resolver</translation>
    </message>
    <message>
        <source>all lanes</source>
        <translation>todas las cajas</translation>
    </message>
    <message>
        <source>Time zone %1 · %2</source>
        <translation>Zona horaria %1 · %2</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Neto</translation>
    </message>
    <message>
        <source>No payments</source>
        <translation>Sin pagos</translation>
    </message>
    <message>
        <source>Mismatches with PaySimple</source>
        <translation>Diferencias con PaySimple</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>Ninguna.</translation>
    </message>
    <message>
        <source>Not reconciled: %1</source>
        <translation>Sin conciliar: %1</translation>
    </message>
    <message>
        <source>Mismatches with PaySimple: %1. Check each one below.</source>
        <translation>Diferencias con PaySimple: %1. Revise cada una más abajo.</translation>
    </message>
    <message>
        <source>Reconciled: the journal and PaySimple agree (%1 PaySimple payments).</source>
        <translation>Conciliado: el registro y PaySimple coinciden (%1 pagos en PaySimple).</translation>
    </message>
    <message>
        <source>Voids</source>
        <translation>Anulaciones</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Reembolsos</translation>
    </message>
    <message>
        <source>Net = gross sales − voids − refunds. Gross counts every payment of the payment journal that PaySimple took today; voids and refunds are those finished today. A payment found only at PaySimple is not in these totals: it is listed under Mismatches.</source>
        <translation>Neto = ventas brutas − anulaciones − reembolsos. Las ventas brutas cuentan cada pago del registro de pagos que PaySimple aceptó hoy; las anulaciones y los reembolsos, los terminados hoy. Un pago que solo está en PaySimple no entra en estos totales: aparece en Diferencias con PaySimple.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Cantidad</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Importe</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Referencia</translation>
    </message>
    <message>
        <source>PaySimple payment</source>
        <translation>Pago de PaySimple</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detalle</translation>
    </message>
    <message>
        <source>By status</source>
        <translation>Por estado</translation>
    </message>
    <message>
        <source>By lane</source>
        <translation>Por caja</translation>
    </message>
    <message>
        <source>Lane</source>
        <translation>Caja</translation>
    </message>
    <message>
        <source>By clerk</source>
        <translation>Por cajero</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cajero</translation>
    </message>
    <message>
        <source>End of day</source>
        <translation>Cierre del día</translation>
    </message>
    <message>
        <source>1 payment</source>
        <translation>1 pago</translation>
    </message>
    <message>
        <source>%1 payments</source>
        <translation>%1 pagos</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Tarjetas</translation>
    </message>
    <message>
        <source>Bank debits</source>
        <translation>Débitos bancarios</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Desglose</translation>
    </message>
    <message>
        <source>Gross sales</source>
        <translation>Ventas brutas</translation>
    </message>
    <message>
        <source>Cards and bank debits, cards by brand</source>
        <translation>Tarjetas y débitos bancarios, tarjetas por marca</translation>
    </message>
    <message>
        <source>A payment of this day changed after this report was made: Run again (Enter) to include it.</source>
        <translation>Un pago de este día cambió después de generar este informe: genérelo de nuevo (Intro) para incluirlo.</translation>
    </message>
    <message>
        <source>All lanes</source>
        <translation>Todas las cajas</translation>
    </message>
    <message>
        <source>Run  [Enter]</source>
        <translation>Generar  [Intro]</translation>
    </message>
    <message>
        <source>Cancel run</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation>&amp;Día</translation>
    </message>
    <message>
        <source>&amp;Lane</source>
        <translation>&amp;Caja</translation>
    </message>
    <message>
        <source>Pick a day and press Run.</source>
        <translation>Elija un día y pulse Generar.</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>Export PDF…  [Ctrl+S]</source>
        <translation>Exportar PDF…  [Ctrl+S]</translation>
    </message>
    <message>
        <source>Close  [Esc]</source>
        <translation>Cerrar  [Esc]</translation>
    </message>
    <message>
        <source>Reading the journal and PaySimple&apos;s payments…</source>
        <translation>Leyendo el registro y los pagos de PaySimple…</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Generando…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was changed.</source>
        <translation>Detenido. No se ha cambiado nada.</translation>
    </message>
    <message>
        <source>Done: reconciled with PaySimple.</source>
        <translation>Listo: conciliado con PaySimple.</translation>
    </message>
    <message>
        <source>Done: see the mismatches with PaySimple below.</source>
        <translation>Listo: vea las diferencias con PaySimple más abajo.</translation>
    </message>
    <message>
        <source>The automatic backup of the payment journal could not be written:</source>
        <translation>No se pudo escribir la copia de seguridad automática del registro de pagos:</translation>
    </message>
    <message>
        <source>The report could not be made: %1</source>
        <translation>No se pudo generar el informe: %1</translation>
    </message>
    <message>
        <source>Export end of day</source>
        <translation>Exportar el cierre del día</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
    <message>
        <source>End of day %1</source>
        <translation>Cierre del día %1</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Report saved.</source>
        <translation>Informe guardado.</translation>
    </message>
    <message>
        <source>%1 does nothing in End of day: Enter runs the report, Ctrl+S saves a PDF, Esc closes.</source>
        <translation>%1 no hace nada en el cierre del día: Intro genera el informe, Ctrl+S guarda un PDF, Esc cierra.</translation>
    </message>
</context>
<context>
    <name>EnvBanner</name>
    <message>
        <source>Lane %1</source>
        <translation>Caja %1</translation>
    </message>
    <message>
        <source>Store server: %1</source>
        <translation>Servidor de la tienda: %1</translation>
    </message>
    <message>
        <source>Environment: %1</source>
        <translation>Entorno: %1</translation>
    </message>
</context>
<context>
    <name>EnvironmentBanner</name>
    <message>
        <source>TRAINING</source>
        <translation>PRÁCTICA</translation>
    </message>
    <message>
        <source>SANDBOX</source>
        <translation>SANDBOX</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>REAL</translation>
    </message>
    <message>
        <source>Practice mode: no real money moves</source>
        <translation>Modo de práctica: no se mueve dinero real</translation>
    </message>
    <message>
        <source>PaySimple test account: no real money moves</source>
        <translation>Cuenta de pruebas de PaySimple: no se mueve dinero real</translation>
    </message>
    <message>
        <source>Real payments: cards and bank accounts are charged</source>
        <translation>Pagos reales: se cobra a tarjetas y cuentas bancarias</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Práctica</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Sandbox (pruebas)</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Real</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>All statuses</source>
        <translation>Todos los estados</translation>
    </message>
    <message>
        <source>Approved or posted</source>
        <translation>Aprobados o registrados</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Rechazados</translation>
    </message>
    <message>
        <source>Needs checking</source>
        <translation>Por comprobar</translation>
    </message>
    <message>
        <source>Not charged</source>
        <translation>No cobrados</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>Anulados</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Reembolsados</translation>
    </message>
    <message>
        <source>Posted — pending: %1 debit from %2. The bank can still return it (for example for insufficient funds) for some days.</source>
        <translation>Registrado — pendiente: débito de %1 a %2. El banco aún puede devolverlo (por ejemplo, por fondos insuficientes) durante algunos días.</translation>
    </message>
    <message>
        <source>Charged %1 to %2.</source>
        <translation>Se cobraron %1 a %2.</translation>
    </message>
    <message>
        <source>Declined: %1</source>
        <translation>Rechazado: %1</translation>
    </message>
    <message>
        <source>the bank refused it.</source>
        <translation>el banco lo rechazó.</translation>
    </message>
    <message>
        <source>Not charged: %1</source>
        <translation>No cobrado: %1</translation>
    </message>
    <message>
        <source>Needs review: the answer did not match this payment. Do not charge again: press Check again [F6]; if it stays, a manager checks it in PaySimple. %1</source>
        <translation>Requiere revisión: la respuesta no coincidía con este pago. No vuelva a cobrar: pulse Comprobar de nuevo [F6]; si sigue así, un gerente lo revisa en PaySimple. %1</translation>
    </message>
    <message>
        <source>PaySimple has not confirmed this payment yet. Do not charge again: press Check again [F6].</source>
        <translation>PaySimple todavía no ha confirmado este pago. No vuelva a cobrar: pulse Comprobar de nuevo [F6].</translation>
    </message>
    <message>
        <source>A void was sent; press Check again [F6] to confirm it with PaySimple.</source>
        <translation>Se envió una anulación; pulse Comprobar de nuevo [F6] para confirmarla con PaySimple.</translation>
    </message>
    <message>
        <source>A refund was sent; press Check again [F6] to confirm it with PaySimple.</source>
        <translation>Se envió un reembolso; pulse Comprobar de nuevo [F6] para confirmarlo con PaySimple.</translation>
    </message>
    <message>
        <source>Voided: %1 will not be charged.</source>
        <translation>Anulado: no se cobrarán %1.</translation>
    </message>
    <message>
        <source>Refunded: %1 returned to %2.</source>
        <translation>Reembolsado: %1 devueltos a %2.</translation>
    </message>
    <message>
        <source>Not settled yet: a void cancels it before PaySimple&apos;s batch (until %1).</source>
        <translation>Aún no liquidado: una anulación lo cancela antes del cierre de lote de PaySimple (hasta %1).</translation>
    </message>
    <message>
        <source>A refund is possible only after the payment settles (usually the next business day).</source>
        <translation>Solo se puede reembolsar cuando el pago se liquide (normalmente el siguiente día hábil).</translation>
    </message>
    <message>
        <source>Settled: a refund returns the money to the customer&apos;s account.</source>
        <translation>Liquidado: un reembolso devuelve el dinero a la cuenta del cliente.</translation>
    </message>
    <message>
        <source>A void is no longer possible: the payment has settled.</source>
        <translation>Ya no se puede anular: el pago está liquidado.</translation>
    </message>
    <message>
        <source>A void or refund of this payment is being confirmed with PaySimple.</source>
        <translation>Se está confirmando con PaySimple una anulación o un reembolso de este pago.</translation>
    </message>
    <message>
        <source>This payment is %1: there is nothing to void or refund.</source>
        <translation>Este pago está %1: no hay nada que anular ni reembolsar.</translation>
    </message>
    <message>
        <source>The void window has closed and the payment has not settled yet: refund it once it is Settled.</source>
        <translation>El plazo para anular terminó y el pago aún no está liquidado: reembólselo cuando esté liquidado.</translation>
    </message>
    <message>
        <source>PaySimple status is %1: neither a void nor a refund applies.</source>
        <translation>El estado en PaySimple es %1: no procede ni anular ni reembolsar.</translation>
    </message>
    <message>
        <source>Payment history</source>
        <translation>Historial de pagos</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todo</translation>
    </message>
    <message>
        <source>Customer, last 4 digits or reference</source>
        <translation>Cliente, últimos 4 dígitos o referencia</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Periodo</translation>
    </message>
    <message>
        <source>&amp;Lane</source>
        <translation>&amp;Caja</translation>
    </message>
    <message>
        <source>Cler&amp;k</source>
        <translation>Ca&amp;jero</translation>
    </message>
    <message>
        <source>&amp;Status</source>
        <translation>&amp;Estado</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Pagos</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Importe</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cajero</translation>
    </message>
    <message>
        <source>Lane</source>
        <translation>Caja</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Referencia</translation>
    </message>
    <message>
        <source>Time (%1)</source>
        <translation>Hora (%1)</translation>
    </message>
    <message>
        <source>Receipt  [Enter]</source>
        <translation>Recibo  [Intro]</translation>
    </message>
    <message>
        <source>Print…  [Ctrl+P]</source>
        <translation>Imprimir…  [Ctrl+P]</translation>
    </message>
    <message>
        <source>Save PDF…  [Ctrl+S]</source>
        <translation>Guardar PDF…  [Ctrl+S]</translation>
    </message>
    <message>
        <source>E-mail receipt…  [Ctrl+E]</source>
        <translation>Enviar recibo…  [Ctrl+E]</translation>
    </message>
    <message>
        <source>Check again  [F6]</source>
        <translation>Comprobar de nuevo  [F6]</translation>
    </message>
    <message>
        <source>Void / refund…  [F8]</source>
        <translation>Anular / reembolsar…  [F8]</translation>
    </message>
    <message>
        <source>Close review…  [F9]</source>
        <translation>Resolver revisión…  [F9]</translation>
    </message>
    <message>
        <source>Close  [Esc]</source>
        <translation>Cerrar  [Esc]</translation>
    </message>
    <message>
        <source>↑↓ Select   ·   Enter Receipt   ·   Ctrl+F Find   ·   Alt+P/L/K/S Filters   ·   Ctrl+E E-mail receipt   ·   F5 Refresh   ·   F6 Check again   ·   F8 Void / refund   ·   Esc Close</source>
        <translation>↑↓ Elegir   ·   Intro Recibo   ·   Ctrl+F Buscar   ·   Alt+P/L/K/S Filtros   ·   Ctrl+E Enviar recibo   ·   F5 Actualizar   ·   F6 Comprobar de nuevo   ·   F8 Anular / reembolsar   ·   Esc Cerrar</translation>
    </message>
    <message>
        <source>%1 does nothing in Payment history: its keys are in the line at the bottom; Esc closes it.</source>
        <translation>%1 no hace nada en el historial de pagos: sus teclas están en la línea de abajo; Esc lo cierra.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>All lanes</source>
        <translation>Todas las cajas</translation>
    </message>
    <message>
        <source>All clerks</source>
        <translation>Todos los cajeros</translation>
    </message>
    <message>
        <source>Could not read the payment journal: %1</source>
        <translation>No se pudo leer el registro de pagos: %1</translation>
    </message>
    <message>
        <source>%1 of %2 payments</source>
        <translation>%1 de %2 pagos</translation>
    </message>
    <message>
        <source>older than the newest %1 not shown</source>
        <translation>no se muestran los anteriores a los %1 más recientes</translation>
    </message>
    <message>
        <source>No payment selected</source>
        <translation>Ningún pago seleccionado</translation>
    </message>
    <message>
        <source>No payments match these filters.</source>
        <translation>Ningún pago coincide con estos filtros.</translation>
    </message>
    <message>
        <source>Receipt sent to the printer.</source>
        <translation>Recibo enviado a la impresora.</translation>
    </message>
    <message>
        <source>Saving the PDF…</source>
        <translation>Guardando el PDF…</translation>
    </message>
    <message>
        <source>Receipt saved as a PDF.</source>
        <translation>Recibo guardado como PDF.</translation>
    </message>
    <message>
        <source>No payment is selected: ↑↓ select one in the list.</source>
        <translation>No hay ningún pago elegido: elija uno en la lista con ↑↓.</translation>
    </message>
    <message>
        <source>Wait: PaySimple is still answering the last request.</source>
        <translation>Espere: PaySimple aún está respondiendo a la última petición.</translation>
    </message>
    <message>
        <source>PaySimple e-mails receipts only for payments it recorded; print this one (Ctrl+P).</source>
        <translation>PaySimple solo envía por correo recibos de pagos que registró; imprima este (Ctrl+P).</translation>
    </message>
    <message>
        <source>This payment&apos;s outcome is known: there is nothing to check.</source>
        <translation>El resultado de este pago ya se conoce: no hay nada que comprobar.</translation>
    </message>
    <message>
        <source>Checking with PaySimple…</source>
        <translation>Comprobando con PaySimple…</translation>
    </message>
    <message>
        <source>Checked with PaySimple: %1</source>
        <translation>Comprobado con PaySimple: %1</translation>
    </message>
    <message>
        <source>PaySimple could not confirm it yet. Do not charge again; check again in a moment.</source>
        <translation>PaySimple todavía no lo pudo confirmar. No vuelva a cobrar; compruébelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>Only an approved payment can be voided or refunded.</source>
        <translation>Solo un pago aprobado se puede anular o reembolsar.</translation>
    </message>
    <message>
        <source>Asking PaySimple whether a void or a refund applies…</source>
        <translation>Preguntando a PaySimple si procede anular o reembolsar…</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>Cancelado: no se ha cambiado nada.</translation>
    </message>
    <message>
        <source>Voiding with PaySimple…</source>
        <translation>Anulando con PaySimple…</translation>
    </message>
    <message>
        <source>Refunding with PaySimple…</source>
        <translation>Reembolsando con PaySimple…</translation>
    </message>
    <message>
        <source>F9 closes a payment that needs review; this one does not.</source>
        <translation>F9 resuelve un pago que necesita revisión; este no la necesita.</translation>
    </message>
    <message>
        <source>Close review</source>
        <translation>Resolver revisión</translation>
    </message>
    <message>
        <source>Look the sale up in PaySimple first.
PaySimple payment id of this sale (leave empty if PaySimple has no payment for it):</source>
        <translation>Primero busque la venta en PaySimple.
ID del pago de PaySimple de esta venta (déjelo vacío si PaySimple no tiene ningún pago para ella):</translation>
    </message>
    <message>
        <source>A PaySimple payment id is digits only: nothing was changed.</source>
        <translation>El ID de un pago de PaySimple solo tiene dígitos: no se ha cambiado nada.</translation>
    </message>
    <message>
        <source>%1 is PaySimple payment %2</source>
        <translation>%1 es el pago %2 de PaySimple</translation>
    </message>
    <message>
        <source>%1 was not charged</source>
        <translation>%1 no se cobró</translation>
    </message>
    <message>
        <source>Review closed, approved by %1 and recorded.</source>
        <translation>Revisión resuelta, aprobada por %1 y registrada.</translation>
    </message>
    <message>
        <source>Void approved by %1 and recorded.</source>
        <translation>Anulación aprobada por %1 y registrada.</translation>
    </message>
    <message>
        <source>Refund approved by %1 and recorded.</source>
        <translation>Reembolso aprobado por %1 y registrado.</translation>
    </message>
    <message>
        <source>It did not take effect: %1</source>
        <translation>No se aplicó: %1</translation>
    </message>
    <message>
        <source>Not allowed: %1</source>
        <translation>No permitido: %1</translation>
    </message>
    <message>
        <source>This payment is being sent or checked right now; try again in a moment.</source>
        <translation>Este pago se está enviando o comprobando ahora mismo; inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>PaySimple could not be reached (%1). Nothing was sent twice; try again.</source>
        <translation>No se pudo contactar con PaySimple (%1). No se envió nada dos veces; inténtelo de nuevo.</translation>
    </message>
</context>
<context>
    <name>LastChargeCheck</name>
    <message>
        <source>approved</source>
        <translation>aprobado</translation>
    </message>
    <message>
        <source>declined (not charged)</source>
        <translation>rechazado (no se cobró)</translation>
    </message>
    <message>
        <source>not charged (the store server said so)</source>
        <translation>no se cobró (lo dijo el servidor de la tienda)</translation>
    </message>
    <message>
        <source>still unknown: look again later (History). Do not charge again until it is known.</source>
        <translation>aún desconocido: vuelva a mirar más tarde (Historial). No cobre otra vez hasta saberlo.</translation>
    </message>
    <message>
        <source>The last payment before the counter closed: %1 for %2 — %3</source>
        <translation>El último pago antes de que se cerrara la caja: %1 de %2 — %3</translation>
    </message>
    <message>
        <source>Last payment</source>
        <translation>Último pago</translation>
    </message>
    <message>
        <source>The outcome of the last payment before the counter closed is not known yet (%1). Do not charge again until it is known; the counter keeps asking.</source>
        <translation>Aún no se sabe el resultado del último pago antes de que se cerrara la caja (%1). No cobre otra vez hasta saberlo; la caja sigue preguntando.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>%1 to %2 digits</source>
        <translation>de %1 a %2 dígitos</translation>
    </message>
    <message>
        <source>Screen locked</source>
        <translation>Pantalla bloqueada</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign in to the counter</source>
        <translation>Iniciar sesión en la caja</translation>
    </message>
    <message>
        <source>%1 was signed in. Sign in to continue (any clerk may).</source>
        <translation>%1 tenía la sesión abierta. Inicie sesión para continuar (cualquier cajero puede).</translation>
    </message>
    <message>
        <source>Choose your name and type your PIN.</source>
        <translation>Elija su nombre y escriba su PIN.</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cajero</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Training: sign in as %1 (manager, PIN %2) or %3 (clerk, PIN %4).</source>
        <translation>Práctica: inicie sesión como %1 (gerente, PIN %2) o %3 (cajero, PIN %4).</translation>
    </message>
    <message>
        <source>The clerk list cannot be read (%1).</source>
        <translation>No se puede leer la lista de cajeros (%1).</translation>
    </message>
    <message>
        <source>Reading the clerk list…</source>
        <translation>Leyendo la lista de cajeros…</translation>
    </message>
    <message>
        <source>No clerk is set up yet.</source>
        <translation>Todavía no hay ningún cajero.</translation>
    </message>
    <message>
        <source>Type your PIN.</source>
        <translation>Escriba su PIN.</translation>
    </message>
    <message>
        <source>Checking the PIN…</source>
        <translation>Comprobando el PIN…</translation>
    </message>
    <message>
        <source>The PIN could not be checked (%1). Try again.</source>
        <translation>No se pudo comprobar el PIN (%1). Inténtelo de nuevo.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Charge card on file  [F5]</source>
        <translation>Cobrar a la tarjeta guardada  [F5]</translation>
    </message>
    <message>
        <source>Ctrl+F Search</source>
        <translation>Ctrl+F Buscar</translation>
    </message>
    <message>
        <source>↑↓ Enter Select</source>
        <translation>↑↓ Intro Elegir</translation>
    </message>
    <message>
        <source>F5 Charge card on file</source>
        <translation>F5 Cobrar a la tarjeta guardada</translation>
    </message>
    <message>
        <source>F6 New card</source>
        <translation>F6 Tarjeta nueva</translation>
    </message>
    <message>
        <source>F7 Bank account</source>
        <translation>F7 Cuenta bancaria</translation>
    </message>
    <message>
        <source>F8 Update payment details</source>
        <translation>F8 Actualizar datos de pago</translation>
    </message>
    <message>
        <source>F9 Submit</source>
        <translation>F9 Enviar</translation>
    </message>
    <message>
        <source>Esc Cancel / back</source>
        <translation>Esc Cancelar / volver</translation>
    </message>
    <message>
        <source>Find the customer (%1), choose with %2 and %3</source>
        <translation>Busque al cliente (%1), elija con %2 e %3</translation>
    </message>
    <message>
        <source>Enter</source>
        <comment>the key</comment>
        <translation>Intro</translation>
    </message>
    <message>
        <source>%1 card on file · %2 new card · %3 bank account</source>
        <translation>%1 tarjeta guardada · %2 tarjeta nueva · %3 cuenta bancaria</translation>
    </message>
    <message>
        <source>Take a payment</source>
        <translation>Cobrar un pago</translation>
    </message>
    <message>
        <source>Type the amount</source>
        <translation>Escriba el importe</translation>
    </message>
    <message>
        <source>Counter · PaySimple (%1)</source>
        <translation>Caja · PaySimple (%1)</translation>
    </message>
    <message>
        <source>Find customer</source>
        <translation>Buscar cliente</translation>
    </message>
    <message>
        <source>Name, phone, e-mail or account no.</source>
        <translation>Nombre, teléfono, correo o n.º de cuenta</translation>
    </message>
    <message>
        <source>Search customers</source>
        <translation>Buscar clientes</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Sesión cerrada</translation>
    </message>
    <message>
        <source>Sign in to use the counter.</source>
        <translation>Inicie sesión para usar la caja.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Starting the training gateway…</source>
        <translation>Iniciando la pasarela de práctica…</translation>
    </message>
    <message>
        <source>Ready · %1 customers</source>
        <translation>Lista · %1 clientes</translation>
    </message>
    <message>
        <source>Could not start</source>
        <translation>No se pudo iniciar</translation>
    </message>
    <message>
        <source>The counter could not start:
%1</source>
        <translation>La caja no se pudo iniciar:
%1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message>
        <source>Nobody found · Ctrl+N: new customer</source>
        <translation>Nadie encontrado · Ctrl+N: cliente nuevo</translation>
    </message>
    <message>
        <source>No exact match — %1 near matches</source>
        <translation>Ninguna coincidencia exacta — %1 parecidos</translation>
    </message>
    <message>
        <source>No exact match — 1 near match</source>
        <translation>Ninguna coincidencia exacta — 1 parecido</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>%1 encontrados</translation>
    </message>
    <message>
        <source>Recently served</source>
        <translation>Atendidos hace poco</translation>
    </message>
    <message>
        <source>Type a name, phone, email or account no.</source>
        <translation>Escriba un nombre, teléfono, correo o n.º de cuenta.</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>La búsqueda falló: %1</translation>
    </message>
    <message>
        <source>Account no. %1</source>
        <translation>Cuenta n.º %1</translation>
    </message>
    <message>
        <source>Connecting to PaySimple…</source>
        <translation>Conectando con PaySimple…</translation>
    </message>
    <message>
        <source>Signed in: %1</source>
        <translation>Sesión iniciada: %1</translation>
    </message>
    <message>
        <source>Connecting to the store server…</source>
        <translation>Conectando con el servidor de la tienda…</translation>
    </message>
    <message>
        <source>The payment form is open: F9 submits it, Esc cancels it.</source>
        <translation>El formulario de pago está abierto: F9 lo envía, Esc lo cancela.</translation>
    </message>
    <message>
        <source>Loading the store&apos;s customers… search works meanwhile.</source>
        <translation>Cargando los clientes de la tienda… la búsqueda funciona mientras tanto.</translation>
    </message>
    <message>
        <source>Searching the store server…</source>
        <translation>Buscando en el servidor de la tienda…</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Buscando…</translation>
    </message>
    <message>
        <source>A payment is under way: finish it before choosing another customer.</source>
        <translation>Hay un pago en curso: termínelo antes de elegir otro cliente.</translation>
    </message>
    <message>
        <source>This customer came from an import and is not in PaySimple yet. Add to PaySimple (Enter) to take payments.</source>
        <translation>Este cliente vino de una importación y aún no está en PaySimple. Añádalo a PaySimple (Intro) para cobrar pagos.</translation>
    </message>
    <message>
        <source>Loading cards and bank accounts…</source>
        <translation>Cargando tarjetas y cuentas bancarias…</translation>
    </message>
    <message>
        <source>No cards or bank accounts on file.</source>
        <translation>No hay tarjetas ni cuentas bancarias guardadas.</translation>
    </message>
    <message>
        <source>%1 on file</source>
        <translation>%1 guardadas</translation>
    </message>
    <message>
        <source>1 expired card: replace or remove</source>
        <translation>1 tarjeta caducada: sustitúyala o quítela</translation>
    </message>
    <message>
        <source>%1 expired cards: replace or remove</source>
        <translation>%1 tarjetas caducadas: sustitúyalas o quítelas</translation>
    </message>
    <message>
        <source>Could not load the payment methods: %1</source>
        <translation>No se pudieron cargar los medios de pago: %1</translation>
    </message>
    <message>
        <source>Charge bank account on file  [F5]</source>
        <translation>Cobrar a la cuenta guardada  [F5]</translation>
    </message>
    <message>
        <source>No card or bank account on file is selected: F6 new card, F7 bank account.</source>
        <translation>No hay ninguna tarjeta ni cuenta bancaria guardada elegida: F6 tarjeta nueva, F7 cuenta bancaria.</translation>
    </message>
    <message>
        <source>This card has expired: replace it or choose another.</source>
        <translation>Esta tarjeta ha caducado: sustitúyala o elija otra.</translation>
    </message>
    <message>
        <source>Checking recent payments…</source>
        <translation>Comprobando los pagos recientes…</translation>
    </message>
    <message>
        <source>Not charged again.</source>
        <translation>No se volvió a cobrar.</translation>
    </message>
    <message>
        <source>Could not check recent payments: %1</source>
        <translation>No se pudieron comprobar los pagos recientes: %1</translation>
    </message>
    <message>
        <source>Charge %1 to %2 %3 for %4?</source>
        <translation>¿Cobrar %1 a %2 %3 de %4?</translation>
    </message>
    <message>
        <source>Sending the payment to PaySimple…</source>
        <translation>Enviando el pago a PaySimple…</translation>
    </message>
    <message>
        <source>Charging…</source>
        <translation>Cobrando…</translation>
    </message>
    <message>
        <source>Stop waiting</source>
        <translation>Dejar de esperar</translation>
    </message>
    <message>
        <source>Sent to PaySimple; no answer yet.</source>
        <translation>Enviado a PaySimple; todavía sin respuesta.</translation>
    </message>
    <message>
        <source>Do not charge again. Still being checked in the background: this screen changes when PaySimple answers.</source>
        <translation>No vuelva a cobrar. Se sigue comprobando en segundo plano: esta pantalla cambiará cuando PaySimple responda.</translation>
    </message>
    <message>
        <source>Payment %1 for %2: %3</source>
        <translation>Pago %1 de %2: %3</translation>
    </message>
    <message>
        <source>The payment could not be completed: %1</source>
        <translation>El pago no se pudo completar: %1</translation>
    </message>
    <message>
        <source>An earlier payment on this lane must be confirmed before a new one.</source>
        <translation>Hay que confirmar un pago anterior de esta caja antes de cobrar otro.</translation>
    </message>
    <message>
        <source>Cards and bank accounts are changed on the customer screen: Esc goes back to it.</source>
        <translation>Las tarjetas y cuentas bancarias se cambian en la pantalla del cliente: Esc vuelve a ella.</translation>
    </message>
    <message>
        <source>No card or bank account is selected in the customer&apos;s list.</source>
        <translation>No hay ninguna tarjeta ni cuenta bancaria elegida en la lista del cliente.</translation>
    </message>
    <message>
        <source>The selected card or bank account is already the default.</source>
        <translation>La tarjeta o cuenta bancaria elegida ya es la predeterminada.</translation>
    </message>
    <message>
        <source>Making it the default…</source>
        <translation>Haciéndolo predeterminado…</translation>
    </message>
    <message>
        <source>Default payment method changed.</source>
        <translation>Se cambió el medio de pago predeterminado.</translation>
    </message>
    <message>
        <source>Could not change the default: %1</source>
        <translation>No se pudo cambiar el predeterminado: %1</translation>
    </message>
    <message>
        <source>Remove payment method</source>
        <translation>Quitar el medio de pago</translation>
    </message>
    <message>
        <source>Remove %1 %2 from %3&apos;s account?</source>
        <translation>¿Quitar %1 %2 de la cuenta de %3?</translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation>Quitando…</translation>
    </message>
    <message>
        <source>%1 %2 removed.</source>
        <translation>Se quitó %1 %2.</translation>
    </message>
    <message>
        <source>Could not remove it: %1</source>
        <translation>No se pudo quitar: %1</translation>
    </message>
    <message>
        <source>It replaces the expired card, which is removed; it is now the default card.</source>
        <translation>Sustituye a la tarjeta caducada, que se quitó; ahora es la tarjeta predeterminada.</translation>
    </message>
    <message>
        <source>It replaces the expired card, which is removed.</source>
        <translation>Sustituye a la tarjeta caducada, que se quitó.</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was charged.</source>
        <translation>Cancelado. No se cobró nada.</translation>
    </message>
    <message>
        <source>The new card is saved, but the old one could not be removed: %1</source>
        <translation>La tarjeta nueva está guardada, pero no se pudo quitar la anterior: %1</translation>
    </message>
    <message>
        <source>Checking with PaySimple…</source>
        <translation>Comprobando con PaySimple…</translation>
    </message>
    <message>
        <source>Still could not check: %1</source>
        <translation>Todavía no se pudo comprobar: %1</translation>
    </message>
    <message>
        <source>The counter is still starting; try again in a moment.</source>
        <translation>La caja aún se está iniciando; inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>A payment is being sent to PaySimple: wait for its answer.</source>
        <translation>Se está enviando un pago a PaySimple: espere su respuesta.</translation>
    </message>
    <message>
        <source>First find the customer: Ctrl+F, then ↑↓ and Enter.</source>
        <translation>Primero busque al cliente: Ctrl+F, luego ↑↓ e Intro.</translation>
    </message>
    <message>
        <source>This payment is not confirmed yet: F5 checks it with PaySimple. Do not charge again.</source>
        <translation>Este pago aún no está confirmado: F5 lo comprueba con PaySimple. No cobre de nuevo.</translation>
    </message>
    <message>
        <source>F5 charges the card on file on the customer screen: Esc goes back to it.</source>
        <translation>F5 cobra a la tarjeta guardada en la pantalla del cliente: Esc vuelve a ella.</translation>
    </message>
    <message>
        <source>The form cannot switch now: the payment is being sent.</source>
        <translation>El formulario no puede cambiar ahora: el pago se está enviando.</translation>
    </message>
    <message>
        <source>F9 submits the payment form, and none is open (F6 new card, F7 bank account).</source>
        <translation>F9 envía el formulario de pago, y no hay ninguno abierto (F6 tarjeta nueva, F7 cuenta bancaria).</translation>
    </message>
    <message>
        <source>The payment is being sent to PaySimple and cannot be stopped yet: wait for its answer.</source>
        <translation>El pago se está enviando a PaySimple y aún no se puede dejar de esperar: espere su respuesta.</translation>
    </message>
    <message>
        <source>Receipts are printed or e-mailed on the payment&apos;s result screen, or from Payment history (Ctrl+H).</source>
        <translation>Los recibos se imprimen o se envían por correo en la pantalla del resultado del pago, o desde el historial de pagos (Ctrl+H).</translation>
    </message>
    <message>
        <source>This screen has no receipt: no payment was recorded, or it is not confirmed yet.</source>
        <translation>Esta pantalla no tiene recibo: no se registró ningún pago, o aún no está confirmado.</translation>
    </message>
    <message>
        <source>PaySimple e-mails receipts only for payments it recorded; print this one (Ctrl+P).</source>
        <translation>PaySimple solo envía por correo recibos de pagos que registró; imprima este (Ctrl+P).</translation>
    </message>
    <message>
        <source>Del removes the card or bank account selected in the customer&apos;s list: select it there first.</source>
        <translation>Supr quita la tarjeta o cuenta bancaria elegida en la lista del cliente: elíjala allí primero.</translation>
    </message>
    <message>
        <source>Payment in progress</source>
        <translation>Pago en curso</translation>
    </message>
    <message>
        <source>Wait until the payment has finished.</source>
        <translation>Espere a que termine el pago.</translation>
    </message>
</context>
<context>
    <name>ManagerApprovalDialog</name>
    <message>
        <source>Void a payment</source>
        <translation>Anular un pago</translation>
    </message>
    <message>
        <source>Refund a payment</source>
        <translation>Reembolsar un pago</translation>
    </message>
    <message>
        <source>Change settings</source>
        <translation>Cambiar la configuración</translation>
    </message>
    <message>
        <source>Manage clerks</source>
        <translation>Gestionar cajeros</translation>
    </message>
    <message>
        <source>Switch to Live (real payments)</source>
        <translation>Pasar a Real (pagos reales)</translation>
    </message>
    <message>
        <source>Close a payment that needs review</source>
        <translation>Resolver un pago que requiere revisión</translation>
    </message>
    <message>
        <source>Restore the payment journal from a backup</source>
        <translation>Restaurar el registro de pagos desde una copia de seguridad</translation>
    </message>
    <message>
        <source>That did not work (%1). Try again.</source>
        <translation>No funcionó (%1). Inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>Manager approval</source>
        <translation>Aprobación del gerente</translation>
    </message>
    <message>
        <source>A manager must approve this with their PIN and a reason.</source>
        <translation>Un gerente debe aprobarlo con su PIN y un motivo.</translation>
    </message>
    <message>
        <source>Why? (kept with the approval)</source>
        <translation>¿Por qué? (se guarda con la aprobación)</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Gerente</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Aprobar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>No manager is set up on this counter.</source>
        <translation>Esta caja no tiene ningún gerente.</translation>
    </message>
    <message>
        <source>Reading the manager list…</source>
        <translation>Leyendo la lista de gerentes…</translation>
    </message>
    <message>
        <source>Checking the PIN…</source>
        <translation>Comprobando el PIN…</translation>
    </message>
</context>
<context>
    <name>MethodsList</name>
    <message>
        <source>Card</source>
        <translation>Tarjeta</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>Banco</translation>
    </message>
    <message>
        <source>%1 (checking)</source>
        <translation>%1 (corriente)</translation>
    </message>
    <message>
        <source>%1 (savings)</source>
        <translation>%1 (ahorros)</translation>
    </message>
    <message>
        <source>Default card</source>
        <translation>Tarjeta predeterminada</translation>
    </message>
    <message>
        <source>Default bank account</source>
        <translation>Cuenta bancaria predeterminada</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Número</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Caduca</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Predeterminada</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Caducada</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Válida</translation>
    </message>
</context>
<context>
    <name>PaySimpleRules</name>
    <message>
        <source>%1 is required.</source>
        <translation>%1: obligatorio.</translation>
    </message>
    <message>
        <source>%1 must be text.</source>
        <translation>%1: debe ser texto.</translation>
    </message>
    <message>
        <source>%1 contains a control or invisible formatting character, %2, at character %3: remove it and type the text again.</source>
        <translation>%1 contiene un carácter de control o de formato invisible, %2, en el carácter %3: quítelo y escriba el texto de nuevo.</translation>
    </message>
    <message>
        <source>%1 must be %2 characters or fewer.</source>
        <translation>%1: como máximo %2 caracteres.</translation>
    </message>
    <message>
        <source>%1 must be at least %2 characters.</source>
        <translation>%1: al menos %2 caracteres.</translation>
    </message>
    <message>
        <source>%1 must be 5 to 10 characters.</source>
        <translation>%1: de 5 a 10 caracteres.</translation>
    </message>
    <message>
        <source>%1 must be a 2-letter code such as CO.</source>
        <translation>%1: debe ser un código de 2 letras, como CO.</translation>
    </message>
    <message>
        <source>%1 must be a 2-letter code such as US.</source>
        <translation>%1: debe ser un código de 2 letras, como US.</translation>
    </message>
    <message>
        <source>%1 must be digits only, at most 10 (for example 3035550100).</source>
        <translation>%1: solo cifras, como máximo 10 (por ejemplo 3035550100).</translation>
    </message>
    <message>
        <source>%1 is not a valid email address (name@example.com).</source>
        <translation>%1: no es una dirección de correo válida (nombre@ejemplo.com).</translation>
    </message>
    <message>
        <source>%1 must be true or false.</source>
        <translation>%1: debe ser true o false.</translation>
    </message>
    <message>
        <source>Issuer %1 does not match the card number (%2).</source>
        <translation>El emisor %1 no coincide con el número de tarjeta (%2).</translation>
    </message>
    <message>
        <source>%1 must be a number between -%2 and %2.</source>
        <translation>%1: debe ser un número entre -%2 y %2.</translation>
    </message>
    <message>
        <source>CVV must be %1 digits.</source>
        <translation>El CVV debe tener %1 cifras.</translation>
    </message>
    <message>
        <source>First name</source>
        <extracomment>Field names as the messages say them.</extracomment>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Apellido</translation>
    </message>
    <message>
        <source>Middle name</source>
        <translation>Segundo nombre</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Empresa</translation>
    </message>
    <message>
        <source>Customer account</source>
        <translation>Cuenta de cliente</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Alternate phone</source>
        <translation>Teléfono alternativo</translation>
    </message>
    <message>
        <source>Mobile phone</source>
        <translation>Teléfono móvil</translation>
    </message>
    <message>
        <source>Fax</source>
        <translation>Fax</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo</translation>
    </message>
    <message>
        <source>Alternate email</source>
        <translation>Correo alternativo</translation>
    </message>
    <message>
        <source>Website</source>
        <translation>Sitio web</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>Shipping same as billing</source>
        <translation>Envío igual que facturación</translation>
    </message>
    <message>
        <source>Card number</source>
        <translation>Número de tarjeta</translation>
    </message>
    <message>
        <source>Expiration date</source>
        <translation>Fecha de caducidad</translation>
    </message>
    <message>
        <source>Billing ZIP code</source>
        <translation>Código postal de facturación</translation>
    </message>
    <message>
        <source>Routing number</source>
        <translation>Número de ruta</translation>
    </message>
    <message>
        <source>Account number</source>
        <translation>Número de cuenta</translation>
    </message>
    <message>
        <source>Bank name</source>
        <translation>Nombre del banco</translation>
    </message>
    <message>
        <source>Is checking account</source>
        <translation>Es cuenta corriente</translation>
    </message>
    <message>
        <source>Order id</source>
        <translation>ID de pedido</translation>
    </message>
    <message>
        <source>Invoice number</source>
        <translation>Número de factura</translation>
    </message>
    <message>
        <source>Purchase order number</source>
        <translation>Número de orden de compra</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descripción</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>Latitud</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>Longitud</translation>
    </message>
    <message>
        <source>CVV</source>
        <translation>CVV</translation>
    </message>
    <message>
        <source>Street address</source>
        <extracomment>An address&apos;s field names, by the address they belong to (&quot;&quot; = an address on its own).</extracomment>
        <translation>Calle</translation>
    </message>
    <message>
        <source>Street address line 2</source>
        <translation>Calle, línea 2</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ciudad</translation>
    </message>
    <message>
        <source>ZIP code</source>
        <translation>Código postal</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>País</translation>
    </message>
    <message>
        <source>Billing street address</source>
        <translation>Calle de facturación</translation>
    </message>
    <message>
        <source>Billing street address line 2</source>
        <translation>Calle de facturación, línea 2</translation>
    </message>
    <message>
        <source>Billing city</source>
        <translation>Ciudad de facturación</translation>
    </message>
    <message>
        <source>Billing state</source>
        <translation>Estado de facturación</translation>
    </message>
    <message>
        <source>Billing country</source>
        <translation>País de facturación</translation>
    </message>
    <message>
        <source>Shipping street address</source>
        <translation>Calle de envío</translation>
    </message>
    <message>
        <source>Shipping street address line 2</source>
        <translation>Calle de envío, línea 2</translation>
    </message>
    <message>
        <source>Shipping city</source>
        <translation>Ciudad de envío</translation>
    </message>
    <message>
        <source>Shipping ZIP code</source>
        <translation>Código postal de envío</translation>
    </message>
    <message>
        <source>Shipping state</source>
        <translation>Estado de envío</translation>
    </message>
    <message>
        <source>Shipping country</source>
        <translation>País de envío</translation>
    </message>
    <message>
        <source>The address must be an object.</source>
        <translation>La dirección debe ser un objeto.</translation>
    </message>
    <message>
        <source>Billing address must be an object.</source>
        <translation>La dirección de facturación debe ser un objeto.</translation>
    </message>
    <message>
        <source>Shipping address must be an object.</source>
        <translation>La dirección de envío debe ser un objeto.</translation>
    </message>
    <message>
        <source>The customer must be a JSON object.</source>
        <translation>El cliente debe ser un objeto JSON.</translation>
    </message>
    <message>
        <source>Website must not contain spaces.</source>
        <translation>El sitio web no puede contener espacios.</translation>
    </message>
    <message>
        <source>Shipping address is required when it is not the same as billing.</source>
        <translation>La dirección de envío es obligatoria cuando no es la misma que la de facturación.</translation>
    </message>
    <message>
        <source>The card must be a JSON object.</source>
        <translation>La tarjeta debe ser un objeto JSON.</translation>
    </message>
    <message>
        <source>Card number must contain digits only.</source>
        <translation>El número de tarjeta solo puede contener cifras.</translation>
    </message>
    <message>
        <source>Card number must be 12 to 19 digits.</source>
        <translation>El número de tarjeta debe tener de 12 a 19 cifras.</translation>
    </message>
    <message>
        <source>Card number is not valid (check the digits).</source>
        <translation>El número de tarjeta no es válido (revise las cifras).</translation>
    </message>
    <message>
        <source>Card type not accepted: use Visa, MasterCard, American Express or Discover.</source>
        <translation>Tipo de tarjeta no aceptado: use Visa, MasterCard, American Express o Discover.</translation>
    </message>
    <message>
        <source>Expiration date must be MM/YYYY, for example 08/2029.</source>
        <translation>La fecha de caducidad debe ser MM/AAAA, por ejemplo 08/2029.</translation>
    </message>
    <message>
        <source>The card has expired.</source>
        <translation>La tarjeta está caducada.</translation>
    </message>
    <message>
        <source>Issuer must be Visa, Master, Amex or Discover (or 12-15).</source>
        <translation>El emisor debe ser Visa, Master, Amex o Discover (o 12-15).</translation>
    </message>
    <message>
        <source>The bank account must be a JSON object.</source>
        <translation>La cuenta bancaria debe ser un objeto JSON.</translation>
    </message>
    <message>
        <source>Routing number must be exactly 9 digits.</source>
        <translation>El número de ruta debe tener exactamente 9 cifras.</translation>
    </message>
    <message>
        <source>Invalid Routing Number.</source>
        <translation>Número de ruta no válido.</translation>
    </message>
    <message>
        <source>Account number must be 2 to 50 digits.</source>
        <translation>El número de cuenta debe tener de 2 a 50 cifras.</translation>
    </message>
    <message>
        <source>Amount is required and must be a number, for example 12.50.</source>
        <translation>El importe es obligatorio y debe ser un número, por ejemplo 12.50.</translation>
    </message>
    <message>
        <source>Amount must be greater than 0.00.</source>
        <translation>El importe debe ser mayor que 0.00.</translation>
    </message>
    <message>
        <source>Amount must not be more than 2,000,000.00.</source>
        <translation>El importe no puede superar 2,000,000.00.</translation>
    </message>
    <message>
        <source>The payment must be a JSON object.</source>
        <translation>El pago debe ser un objeto JSON.</translation>
    </message>
    <message>
        <source>Account id is required (a positive whole number).</source>
        <translation>El ID de cuenta es obligatorio (un número entero positivo).</translation>
    </message>
</context>
<context>
    <name>PaymentPanel</name>
    <message>
        <source>Payment details</source>
        <translation>Datos del pago</translation>
    </message>
    <message>
        <source>Enter the card details.</source>
        <translation>Escriba los datos de la tarjeta.</translation>
    </message>
    <message>
        <source>Enter the bank account details.</source>
        <translation>Escriba los datos de la cuenta bancaria.</translation>
    </message>
    <message>
        <source>The secure payment form could not be loaded. Check the connection to PaySimple.</source>
        <translation>No se pudo cargar el formulario de pago seguro. Compruebe la conexión con PaySimple.</translation>
    </message>
    <message>
        <source>The secure payment form could not start.</source>
        <translation>El formulario de pago seguro no se pudo iniciar.</translation>
    </message>
    <message>
        <source>Customer agrees to keep this bank account on file  [Alt+K]</source>
        <translation>El cliente acepta que se guarde esta cuenta bancaria  [Alt+K]</translation>
    </message>
    <message>
        <source>Customer agrees to keep this card on file  [Alt+K]</source>
        <translation>El cliente acepta que se guarde esta tarjeta  [Alt+K]</translation>
    </message>
    <message>
        <source>Saving keeps this bank account on file: the customer agrees to it by asking you to add it. Nothing is charged.</source>
        <translation>Esta cuenta bancaria quedará guardada: el cliente lo acepta al pedirle que la añada. No se cobra nada.</translation>
    </message>
    <message>
        <source>Saving keeps this card on file: the customer agrees to it by asking you to add it. Nothing is charged.</source>
        <translation>Esta tarjeta quedará guardada: el cliente lo acepta al pedirle que la añada. No se cobra nada.</translation>
    </message>
    <message>
        <source>It is now the customer&apos;s default card (PaySimple makes a customer&apos;s first card the default).</source>
        <translation>Ahora es la tarjeta predeterminada del cliente (PaySimple hace predeterminada la primera tarjeta de cada cliente).</translation>
    </message>
    <message>
        <source>It is now the customer&apos;s default bank account (PaySimple makes a customer&apos;s first bank account the default).</source>
        <translation>Ahora es la cuenta bancaria predeterminada del cliente (PaySimple hace predeterminada la primera cuenta bancaria de cada cliente).</translation>
    </message>
    <message>
        <source>This card was already on file for this customer; it stays on file.</source>
        <translation>Esta tarjeta ya estaba guardada para este cliente; sigue guardada.</translation>
    </message>
    <message>
        <source>This bank account was already on file for this customer; it stays on file.</source>
        <translation>Esta cuenta bancaria ya estaba guardada para este cliente; sigue guardada.</translation>
    </message>
    <message>
        <source>Whether it stays on file could not be settled now (see the log); it is hidden at this counter until it is.</source>
        <translation>Ahora no se pudo determinar si queda guardada (vea los registros); está oculta en esta caja hasta que se sepa.</translation>
    </message>
    <message>
        <source>Kept on file: the customer agreed. Nothing was charged.</source>
        <translation>Guardada: el cliente lo aceptó. No se cobró nada.</translation>
    </message>
    <message>
        <source>Kept on file: the customer agreed.</source>
        <translation>Guardada: el cliente lo aceptó.</translation>
    </message>
    <message>
        <source>Not kept on file: the charge was declined, so the card was removed.</source>
        <translation>No se guardó: el cobro fue rechazado, así que se quitó la tarjeta.</translation>
    </message>
    <message>
        <source>Not kept on file: the charge was declined, so the bank account was removed.</source>
        <translation>No se guardó: el cobro fue rechazado, así que se quitó la cuenta bancaria.</translation>
    </message>
    <message>
        <source>Not kept on file: PaySimple refused the charge, so the card was removed.</source>
        <translation>No se guardó: PaySimple rehusó el cobro, así que se quitó la tarjeta.</translation>
    </message>
    <message>
        <source>Not kept on file: PaySimple refused the charge, so the bank account was removed.</source>
        <translation>No se guardó: PaySimple rehusó el cobro, así que se quitó la cuenta bancaria.</translation>
    </message>
    <message>
        <source>Not kept on file: the card was removed from PaySimple.</source>
        <translation>No se guardó: se quitó la tarjeta de PaySimple.</translation>
    </message>
    <message>
        <source>Not kept on file: the bank account was removed from PaySimple.</source>
        <translation>No se guardó: se quitó la cuenta bancaria de PaySimple.</translation>
    </message>
    <message>
        <source>Not kept on file: hidden at this counter now; removing it from PaySimple failed and is retried automatically.</source>
        <translation>No se guardó: ya está oculta en esta caja; no se pudo quitar de PaySimple y se reintentará automáticamente.</translation>
    </message>
    <message>
        <source>The customer agreed to keep it on file: it shows in the list once PaySimple confirms the payment (it is removed if the payment was declined).</source>
        <translation>El cliente aceptó guardarla: aparecerá en la lista cuando PaySimple confirme el pago (se quitará si el pago fue rechazado).</translation>
    </message>
    <message>
        <source>Not kept on file: hidden at this counter now and removed from PaySimple after %1, when the payment can no longer be voided.</source>
        <translation>No se guardó: ya está oculta en esta caja y se quitará de PaySimple después del %1, cuando el pago ya no se pueda anular.</translation>
    </message>
    <message>
        <source>Not kept on file: hidden at this counter now and removed from PaySimple once the payment&apos;s outcome is confirmed.</source>
        <translation>No se guardó: ya está oculta en esta caja y se quitará de PaySimple cuando se confirme el resultado del pago.</translation>
    </message>
    <message>
        <source>This card was already on file; its details were updated.</source>
        <translation>Esta tarjeta ya estaba guardada; se actualizaron sus datos.</translation>
    </message>
    <message>
        <source>This bank account was already on file.</source>
        <translation>Esta cuenta bancaria ya estaba guardada.</translation>
    </message>
    <message>
        <source>The default card did not change (select this one and press Ctrl+D to make it the default).</source>
        <translation>La tarjeta predeterminada no cambió (seleccione esta y pulse Ctrl+D para hacerla predeterminada).</translation>
    </message>
    <message>
        <source>The default bank account did not change (select this one and press Ctrl+D to make it the default).</source>
        <translation>La cuenta bancaria predeterminada no cambió (seleccione esta y pulse Ctrl+D para hacerla predeterminada).</translation>
    </message>
    <message>
        <source>Loading the secure form…</source>
        <translation>Cargando el formulario seguro…</translation>
    </message>
    <message>
        <source>Cancel  [Esc]</source>
        <translation>Cancelar  [Esc]</translation>
    </message>
    <message>
        <source>The customer&apos;s cards on file could not be read (%1). Press F9 to try again.</source>
        <translation>No se pudieron leer las tarjetas guardadas del cliente (%1). Pulse F9 para intentarlo de nuevo.</translation>
    </message>
    <message>
        <source>Charge %1 to a new bank account</source>
        <translation>Cobrar %1 a una cuenta bancaria nueva</translation>
    </message>
    <message>
        <source>Charge %1 to a new card</source>
        <translation>Cobrar %1 a una tarjeta nueva</translation>
    </message>
    <message>
        <source>Charge %1  [F9]</source>
        <translation>Cobrar %1  [F9]</translation>
    </message>
    <message>
        <source>Add a bank account</source>
        <translation>Añadir una cuenta bancaria</translation>
    </message>
    <message>
        <source>Add a card</source>
        <translation>Añadir una tarjeta</translation>
    </message>
    <message>
        <source>Save bank account  [F9]</source>
        <translation>Guardar la cuenta  [F9]</translation>
    </message>
    <message>
        <source>Save card  [F9]</source>
        <translation>Guardar la tarjeta  [F9]</translation>
    </message>
    <message>
        <source>Customer: %1</source>
        <translation>Cliente: %1</translation>
    </message>
    <message>
        <source>Use a card instead  [F7]</source>
        <translation>Usar una tarjeta  [F7]</translation>
    </message>
    <message>
        <source>Use a bank account  [F7]</source>
        <translation>Usar una cuenta bancaria  [F7]</translation>
    </message>
    <message>
        <source>The secure form could not start: %1</source>
        <translation>El formulario seguro no se pudo iniciar: %1</translation>
    </message>
    <message>
        <source>A payment is being sent; it cannot be cancelled now.</source>
        <translation>Se está enviando un pago; ahora no se puede cancelar.</translation>
    </message>
    <message>
        <source>Complete the details in the form first.</source>
        <translation>Primero complete los datos del formulario.</translation>
    </message>
    <message>
        <source>Reading the customer&apos;s cards on file…</source>
        <translation>Leyendo las tarjetas guardadas del cliente…</translation>
    </message>
    <message>
        <source>Checking the details with PaySimple…</source>
        <translation>Comprobando los datos con PaySimple…</translation>
    </message>
    <message>
        <source>The secure form timed out; type the details again, then press F9.</source>
        <translation>El formulario seguro caducó; escriba los datos otra vez y pulse F9.</translation>
    </message>
    <message>
        <source>Type the details in the form, then press F9.</source>
        <translation>Escriba los datos en el formulario y pulse F9.</translation>
    </message>
    <message>
        <source>PaySimple did not give permission for this customer (%1). Press F9 to try again.</source>
        <translation>PaySimple no dio permiso para este cliente (%1). Pulse F9 para intentarlo de nuevo.</translation>
    </message>
    <message>
        <source>Checking the account…</source>
        <translation>Comprobando la cuenta…</translation>
    </message>
    <message>
        <source>Read the authorization to the customer. Tick the box when they agree (Alt+A), then press F9 to charge. Esc cancels.</source>
        <translation>Lea la autorización al cliente. Marque la casilla cuando la acepte (Alt+A) y pulse F9 para cobrar. Esc cancela.</translation>
    </message>
    <message>
        <source>Tick that you read the authorization to the customer and they agreed (Alt+A). Nothing is charged without it.</source>
        <translation>Marque la casilla que confirma que leyó la autorización al cliente y que este la aceptó (Alt+A). Sin ella no se cobra nada.</translation>
    </message>
    <message>
        <source>PaySimple could not process the details.</source>
        <translation>PaySimple no pudo procesar los datos.</translation>
    </message>
    <message>
        <source>The secure form timed out; enter the details again.</source>
        <translation>El formulario seguro caducó; escriba los datos otra vez.</translation>
    </message>
    <message>
        <source>The payment form stopped working and was closed. Nothing was charged.</source>
        <translation>El formulario de pago dejó de funcionar y se cerró. No se cobró nada.</translation>
    </message>
</context>
<context>
    <name>PaymentState</name>
    <message>
        <source>Not sent</source>
        <extracomment>A state&apos;s short name for clerks (lists, status lines, sentences about a payment).</extracomment>
        <translation>No enviado</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Enviando</translation>
    </message>
    <message>
        <source>Unconfirmed</source>
        <translation>Sin confirmar</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Comprobando</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Aprobado</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Rechazado</translation>
    </message>
    <message>
        <source>Not charged</source>
        <translation>No cobrado</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Rehusado</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>Requiere revisión</translation>
    </message>
    <message>
        <source>Void pending</source>
        <translation>Anulación pendiente</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>Anulado</translation>
    </message>
    <message>
        <source>Refund pending</source>
        <translation>Reembolso pendiente</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Reembolsado</translation>
    </message>
    <message>
        <source>Settled (bank)</source>
        <translation>Liquidado (banco)</translation>
    </message>
    <message>
        <source>Posted — pending</source>
        <translation>Registrado — pendiente</translation>
    </message>
</context>
<context>
    <name>Payments</name>
    <message>
        <source>Lane %1 already has a payment in progress. Resolve it before a new one.</source>
        <translation>La caja %1 ya tiene un pago en curso. Resuélvalo antes de uno nuevo.</translation>
    </message>
    <message>
        <source>Lane %1 already has a payment in progress (payment %2 is %3). Resolve it before a new one.</source>
        <translation>La caja %1 ya tiene un pago en curso (pago %2: %3). Resuélvalo antes de uno nuevo.</translation>
    </message>
    <message>
        <source>Lane %1 lost its connection to the payment database, so it stopped before sending: nothing was charged. Check the network and the database server, then charge again.</source>
        <translation>La caja %1 perdió la conexión con la base de datos de pagos y se detuvo antes de enviar: no se cobró nada. Revise la red y el servidor de base de datos y vuelva a cobrar.</translation>
    </message>
    <message>
        <source>Not charged: %1 Nothing was sent to PaySimple.</source>
        <translation>No cobrado: %1 No se envió nada a PaySimple.</translation>
    </message>
    <message>
        <source>Nobody is signed in: sign in before taking a payment or changing a customer&apos;s account.</source>
        <translation>No hay nadie con la sesión iniciada: inicie sesión antes de cobrar o de cambiar la cuenta de un cliente.</translation>
    </message>
    <message>
        <source>The amount %1 is not a number.</source>
        <translation>El importe %1 no es un número.</translation>
    </message>
    <message>
        <source>The amount must be a finite number.</source>
        <translation>El importe debe ser un número finito.</translation>
    </message>
    <message>
        <source>The amount must be more than 0.00.</source>
        <translation>El importe debe ser mayor que 0.00.</translation>
    </message>
    <message>
        <source>The amount must be at most %1.</source>
        <translation>El importe puede ser como máximo %1.</translation>
    </message>
    <message>
        <source>The amount can have at most 2 decimal places.</source>
        <translation>El importe puede tener como máximo 2 decimales.</translation>
    </message>
    <message>
        <source>A bank debit needs the customer&apos;s authorization: read it to the customer and tick that they agreed before charging.</source>
        <translation>Un débito bancario necesita la autorización del cliente: léasela y marque que está de acuerdo antes de cobrar.</translation>
    </message>
    <message>
        <source>The bank debit authorization text is too long.</source>
        <translation>El texto de autorización del débito bancario es demasiado largo.</translation>
    </message>
    <message>
        <source>The bank debit authorization does not name this account&apos;s last 4 digits.</source>
        <translation>La autorización del débito bancario no nombra los 4 últimos dígitos de esta cuenta.</translation>
    </message>
    <message>
        <source>A void or refund needs a signed-in manager&apos;s approval.</source>
        <extracomment>Why an ``Approval`` is refused, per thing approved: (no manager signed in, not a manager, no reason).</extracomment>
        <translation>Una anulación o un reembolso necesita la aprobación de un gerente con la sesión iniciada.</translation>
    </message>
    <message>
        <source>Only a manager can approve a void or refund.</source>
        <translation>Solo un gerente puede aprobar una anulación o un reembolso.</translation>
    </message>
    <message>
        <source>A reason is required for a void or refund.</source>
        <translation>Una anulación o un reembolso necesita un motivo.</translation>
    </message>
    <message>
        <source>Closing a payment that needs review needs a signed-in manager&apos;s approval.</source>
        <translation>Cerrar un pago que requiere revisión necesita la aprobación de un gerente con la sesión iniciada.</translation>
    </message>
    <message>
        <source>Only a manager can approve closing a payment that needs review.</source>
        <translation>Solo un gerente puede aprobar que se cierre un pago que requiere revisión.</translation>
    </message>
    <message>
        <source>A reason is required for closing a payment that needs review.</source>
        <translation>Cerrar un pago que requiere revisión necesita un motivo.</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Rechazado</translation>
    </message>
    <message>
        <source>A void or refund of this payment is being confirmed with PaySimple.</source>
        <translation>Se está confirmando con PaySimple una anulación o un reembolso de este pago.</translation>
    </message>
    <message>
        <source>This payment is %1: there is nothing to void or refund.</source>
        <translation>Estado de este pago: %1. No hay nada que anular ni reembolsar.</translation>
    </message>
    <message>
        <source>PaySimple&apos;s answer was for payment %1, not %2; nothing was changed. Try again.</source>
        <translation>La respuesta de PaySimple era del pago %1, no del %2; no se cambió nada. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Another void or refund is in progress; try again in a moment.</source>
        <translation>Hay otra anulación o reembolso en curso; vuelva a intentarlo en un momento.</translation>
    </message>
    <message>
        <source>PaySimple refused the void (%1).</source>
        <translation>PaySimple rechazó la anulación (%1).</translation>
    </message>
    <message>
        <source>PaySimple refused the refund (%1).</source>
        <translation>PaySimple rechazó el reembolso (%1).</translation>
    </message>
    <message>
        <source>The void did not take effect (PaySimple status %1).</source>
        <translation>La anulación no tuvo efecto (estado en PaySimple: %1).</translation>
    </message>
    <message>
        <source>The refund did not take effect (PaySimple status %1).</source>
        <translation>El reembolso no tuvo efecto (estado en PaySimple: %1).</translation>
    </message>
    <message>
        <source>A refund is possible only after the payment settles (usually the next business day).</source>
        <translation>Solo se puede reembolsar cuando el pago se liquide (normalmente el siguiente día hábil).</translation>
    </message>
    <message>
        <source>Not settled yet: a void cancels it before the batch (until %1).</source>
        <translation>Aún no liquidado: una anulación lo cancela antes del cierre de lote (hasta %1).</translation>
    </message>
    <message>
        <source>The void window has closed and the payment has not settled yet: refund it once it is Settled.</source>
        <translation>El plazo para anular terminó y el pago aún no está liquidado: reembólselo cuando esté liquidado.</translation>
    </message>
    <message>
        <source>Settled: a refund returns the money to the customer&apos;s account.</source>
        <translation>Liquidado: un reembolso devuelve el dinero a la cuenta del cliente.</translation>
    </message>
    <message>
        <source>A void is no longer possible: the payment has settled.</source>
        <translation>Ya no se puede anular: el pago está liquidado.</translation>
    </message>
    <message>
        <source>PaySimple status is %1: neither a void nor a refund applies.</source>
        <translation>El estado en PaySimple es %1: no procede ni anular ni reembolsar.</translation>
    </message>
    <message>
        <source>Lane %1 must check unfinished payments with PaySimple before taking a new one.</source>
        <translation>La caja %1 debe comprobar con PaySimple los pagos sin terminar antes de cobrar uno nuevo.</translation>
    </message>
    <message>
        <source>Payment saved; sending to PaySimple…</source>
        <translation>Pago guardado; enviándolo a PaySimple…</translation>
    </message>
    <message>
        <source>Sending to PaySimple…</source>
        <translation>Enviando a PaySimple…</translation>
    </message>
    <message>
        <source>Checking with PaySimple…</source>
        <translation>Comprobando con PaySimple…</translation>
    </message>
    <message>
        <source>Not at PaySimple yet; checking again shortly…</source>
        <translation>Aún no está en PaySimple; se vuelve a comprobar enseguida…</translation>
    </message>
    <message>
        <source>Not sent: the lane lost its connection to the payment database before sending.</source>
        <translation>No enviado: la caja perdió la conexión con la base de datos de pagos antes de enviarlo.</translation>
    </message>
    <message>
        <source>Could not reach PaySimple; nothing was sent (%1).</source>
        <translation>No se pudo contactar con PaySimple; no se envió nada (%1).</translation>
    </message>
    <message>
        <source>PaySimple refused the payment (%1); nothing was charged.</source>
        <translation>PaySimple rechazó el pago (%1); no se cobró nada.</translation>
    </message>
    <message>
        <source>PaySimple&apos;s answer was lost (%1); checking whether it was charged.</source>
        <translation>Se perdió la respuesta de PaySimple (%1); comprobando si se cobró.</translation>
    </message>
    <message>
        <source>Needs review: %1.</source>
        <translation>Requiere revisión: %1.</translation>
    </message>
    <message>
        <source>PaySimple status %1: waiting for the processor</source>
        <translation>Estado en PaySimple: %1; esperando al procesador</translation>
    </message>
    <message>
        <source>Could not check with PaySimple (%1); will check again.</source>
        <translation>No se pudo comprobar con PaySimple (%1); se volverá a comprobar.</translation>
    </message>
    <message>
        <source>Not charged: PaySimple has no payment with this OrderId.</source>
        <translation>No cobrado: PaySimple no tiene ningún pago con este OrderId.</translation>
    </message>
    <message>
        <source>Not charged: the payment was never sent.</source>
        <translation>No cobrado: el pago nunca se envió.</translation>
    </message>
    <message>
        <source>Payment %1 is %2: only a payment that needs review can be closed by a manager.</source>
        <translation>Pago %1: %2. Un gerente solo puede cerrar un pago que requiere revisión.</translation>
    </message>
    <message>
        <source>Could not check with PaySimple (%1): try again.</source>
        <translation>No se pudo comprobar con PaySimple (%1): vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>PaySimple still has payment %1 with this OrderId: void it in PaySimple first, or close the review with that payment.</source>
        <translation>PaySimple aún tiene el pago %1 con este OrderId: anúlelo antes en PaySimple, o cierre la revisión con ese pago.</translation>
    </message>
    <message>
        <source>Closed by a manager: not charged (%1).</source>
        <translation>Cerrado por un gerente: no cobrado (%1).</translation>
    </message>
    <message>
        <source>PaySimple has no payment %1 with this OrderId (%2).</source>
        <translation>PaySimple no tiene el pago %1 con este OrderId (%2).</translation>
    </message>
    <message>
        <source>Payment %1 is %2 on account %3, not this sale&apos;s %4 on account %5: void it in PaySimple and close the review as not charged.</source>
        <translation>El pago %1 es de %2 en la cuenta %3, no de %4 en la cuenta %5 como esta venta: anúlelo en PaySimple y cierre la revisión como no cobrado.</translation>
    </message>
    <message>
        <source>PaySimple also has payment %1 standing with this OrderId: void it in PaySimple first.</source>
        <translation>PaySimple también tiene vigente el pago %1 con este OrderId: anúlelo antes en PaySimple.</translation>
    </message>
    <message>
        <source>Payment %1 is %2: close the review as not charged.</source>
        <translation>Pago %1: %2. Cierre la revisión como no cobrado.</translation>
    </message>
    <message>
        <source>Closed by a manager with payment %1 (%2).</source>
        <translation>Cerrado por un gerente con el pago %1 (%2).</translation>
    </message>
    <message>
        <source>PaySimple has %1 payments with this OrderId (%2)</source>
        <translation>PaySimple tiene %1 pagos con este OrderId (%2)</translation>
    </message>
    <message>
        <source>PaySimple payment %1 has this OrderId but amount %2 / account %3, not %4 / %5</source>
        <translation>El pago de PaySimple %1 tiene este OrderId pero importe %2 / cuenta %3, no %4 / %5</translation>
    </message>
    <message>
        <source>order %1</source>
        <translation>pedido %1</translation>
    </message>
    <message>
        <source>no order</source>
        <translation>ningún pedido</translation>
    </message>
    <message>
        <source>amount %1</source>
        <translation>importe %1</translation>
    </message>
    <message>
        <source>account %1</source>
        <translation>cuenta %1</translation>
    </message>
    <message>
        <source>the answer received was for %1 (payment %2, status %3), not for this payment (%4 on account %5)</source>
        <translation>la respuesta recibida era de %1 (pago %2, estado %3), no de este pago (%4 en la cuenta %5)</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <source>NOT SENT</source>
        <translation>NO ENVIADO</translation>
    </message>
    <message>
        <source>IN PROGRESS</source>
        <translation>EN CURSO</translation>
    </message>
    <message>
        <source>UNKNOWN - CHECKING WITH PAYSIMPLE</source>
        <translation>DESCONOCIDO - COMPROBANDO CON PAYSIMPLE</translation>
    </message>
    <message>
        <source>APPROVED</source>
        <translation>APROBADO</translation>
    </message>
    <message>
        <source>DECLINED</source>
        <translation>RECHAZADO</translation>
    </message>
    <message>
        <source>NOT CHARGED</source>
        <translation>NO COBRADO</translation>
    </message>
    <message>
        <source>NOT CHARGED - REFUSED</source>
        <translation>NO COBRADO - REHUSADO</translation>
    </message>
    <message>
        <source>APPROVED - VOID IN PROGRESS</source>
        <translation>APROBADO - ANULACIÓN EN CURSO</translation>
    </message>
    <message>
        <source>VOIDED</source>
        <translation>ANULADO</translation>
    </message>
    <message>
        <source>APPROVED - REFUND IN PROGRESS</source>
        <translation>APROBADO - REEMBOLSO EN CURSO</translation>
    </message>
    <message>
        <source>REFUNDED</source>
        <translation>REEMBOLSADO</translation>
    </message>
    <message>
        <source>NOT CONFIRMED - NEEDS REVIEW</source>
        <translation>SIN CONFIRMAR - REQUIERE REVISIÓN</translation>
    </message>
    <message>
        <source>SETTLED</source>
        <translation>LIQUIDADO</translation>
    </message>
    <message>
        <source>POSTED - PENDING</source>
        <translation>REGISTRADO - PENDIENTE</translation>
    </message>
    <message>
        <source>POSTED - VOID IN PROGRESS</source>
        <translation>REGISTRADO - ANULACIÓN EN CURSO</translation>
    </message>
    <message>
        <source>SETTLED - REFUND IN PROGRESS</source>
        <translation>LIQUIDADO - REEMBOLSO EN CURSO</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Lane</source>
        <translation>Caja</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cajero</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Importe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Auth code</source>
        <translation>Código de autorización</translation>
    </message>
    <message>
        <source>Trace number</source>
        <translation>Número de rastreo</translation>
    </message>
    <message>
        <source>PaySimple payment</source>
        <translation>Pago de PaySimple</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Referencia</translation>
    </message>
    <message>
        <source>Bank payment: posted, not yet settled. The bank can still return it (for example for insufficient funds), usually within 2 business days, and up to 60 days if the account holder disputes it.</source>
        <translation>Pago bancario: registrado, aún no liquidado. El banco todavía puede devolverlo (por ejemplo, por fondos insuficientes), normalmente en un plazo de 2 días hábiles, y hasta 60 días si el titular de la cuenta lo reclama.</translation>
    </message>
    <message>
        <source>BANK DEBIT AUTHORIZATION</source>
        <translation>AUTORIZACIÓN DE DÉBITO BANCARIO</translation>
    </message>
    <message>
        <source>Read to the customer by %1</source>
        <translation>Leída al cliente por %1</translation>
    </message>
    <message>
        <source>PAYMENT RECEIPT</source>
        <translation>RECIBO DE PAGO</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>Recibo %1</translation>
    </message>
    <message>
        <source>The PDF could not be drawn.</source>
        <translation>No se pudo generar el PDF.</translation>
    </message>
    <message>
        <source>Print receipt</source>
        <translation>Imprimir recibo</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Recibo</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Guardar como PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <source>Receipt · %1</source>
        <translation>Recibo · %1</translation>
    </message>
    <message>
        <source>Print…  [Ctrl+P]</source>
        <translation>Imprimir…  [Ctrl+P]</translation>
    </message>
    <message>
        <source>Save PDF…  [Ctrl+S]</source>
        <translation>Guardar PDF…  [Ctrl+S]</translation>
    </message>
    <message>
        <source>Close  [Esc]</source>
        <translation>Cerrar  [Esc]</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Enviado a la impresora.</translation>
    </message>
    <message>
        <source>Saving the PDF…</source>
        <translation>Guardando el PDF…</translation>
    </message>
    <message>
        <source>PDF saved.</source>
        <translation>PDF guardado.</translation>
    </message>
</context>
<context>
    <name>RepeatChargeDialog</name>
    <message>
        <source>Already charged?</source>
        <translation>¿Ya se cobró?</translation>
    </message>
    <message>
        <source>%1 was already charged %2 a few minutes ago.</source>
        <translation>A %1 ya se le cobraron %2 hace unos minutos.</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 · lane %4 · %5</source>
        <translation>%1 · %2 · %3 · caja %4 · %5</translation>
    </message>
    <message>
        <source>Charge again only if the customer is buying something else and agrees to a second payment.</source>
        <translation>Vuelva a cobrar solo si el cliente compra otra cosa y acepta un segundo pago.</translation>
    </message>
    <message>
        <source>Do not charge</source>
        <translation>No cobrar</translation>
    </message>
    <message>
        <source>Charge &amp;again</source>
        <translation>Cobrar &amp;otra vez</translation>
    </message>
</context>
<context>
    <name>ResultView</name>
    <message>
        <source>New sale  [Enter]</source>
        <translation>Venta nueva  [Intro]</translation>
    </message>
    <message>
        <source>Back to customer  [Esc]</source>
        <translation>Volver al cliente  [Esc]</translation>
    </message>
    <message>
        <source>Check again  [F5]</source>
        <translation>Comprobar de nuevo  [F5]</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Aprobado</translation>
    </message>
    <message>
        <source>The payment was approved.</source>
        <translation>El pago fue aprobado.</translation>
    </message>
    <message>
        <source>Auth code</source>
        <translation>Código de autorización</translation>
    </message>
    <message>
        <source>Trace number</source>
        <translation>Número de seguimiento</translation>
    </message>
    <message>
        <source>Receipt:</source>
        <translation>Recibo:</translation>
    </message>
    <message>
        <source>Print  [Ctrl+P]</source>
        <translation>Imprimir  [Ctrl+P]</translation>
    </message>
    <message>
        <source>E-mail  [Ctrl+M]</source>
        <translation>Correo  [Ctrl+M]</translation>
    </message>
    <message>
        <source>Both  [Ctrl+B]</source>
        <translation>Ambos  [Ctrl+B]</translation>
    </message>
    <message>
        <source>None: Enter</source>
        <translation>Ninguno: Intro</translation>
    </message>
    <message>
        <source>Posted — pending</source>
        <translation>Registrado — pendiente</translation>
    </message>
    <message>
        <source>PaySimple accepted the bank payment (status Posted). It is not final: the bank can still return it, for example for insufficient funds, usually within 2 business days and up to 60 days if the customer disputes it.</source>
        <translation>PaySimple aceptó el pago bancario (estado Posted). No es definitivo: el banco todavía puede devolverlo, por ejemplo por fondos insuficientes, normalmente en un plazo de 2 días hábiles y hasta 60 días si el cliente lo reclama.</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorización</translation>
    </message>
    <message>
        <source>Read to the customer; on the receipt</source>
        <translation>Leída al cliente; figura en el recibo</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Rechazado</translation>
    </message>
    <message>
        <source>The payment was declined.</source>
        <translation>El pago fue rechazado.</translation>
    </message>
    <message>
        <source>Try a different payment method.</source>
        <translation>Pruebe con otro medio de pago.</translation>
    </message>
    <message>
        <source>PaySimple says: %1</source>
        <translation>PaySimple dice: %1</translation>
    </message>
    <message>
        <source>Next step: %1</source>
        <translation>Siguiente paso: %1</translation>
    </message>
    <message>
        <source>Decline code</source>
        <translation>Código de rechazo</translation>
    </message>
    <message>
        <source>Not charged</source>
        <translation>No cobrado</translation>
    </message>
    <message>
        <source>PaySimple did not take this payment.</source>
        <translation>PaySimple no aceptó este pago.</translation>
    </message>
    <message>
        <source>You can try again with the same or another card.</source>
        <translation>Puede intentarlo de nuevo con la misma tarjeta o con otra.</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>Requiere revisión</translation>
    </message>
    <message>
        <source>The answer that came back does not match this payment, so it is not known whether the customer was charged.</source>
        <translation>La respuesta recibida no coincide con este pago, así que no se sabe si se le cobró al cliente.</translation>
    </message>
    <message>
        <source>Do not charge again. Press F5 to check with PaySimple; if it stays like this, a manager must check the payment in PaySimple.</source>
        <translation>No vuelva a cobrar. Pulse F5 para comprobarlo con PaySimple; si sigue así, un gerente debe revisar el pago en PaySimple.</translation>
    </message>
    <message>
        <source>Not confirmed yet</source>
        <translation>Todavía sin confirmar</translation>
    </message>
    <message>
        <source>PaySimple could not be reached; the payment is being checked.</source>
        <translation>No se pudo contactar con PaySimple; se está comprobando el pago.</translation>
    </message>
    <message>
        <source>Do not charge again. Press F5 to check with PaySimple.</source>
        <translation>No vuelva a cobrar. Pulse F5 para comprobarlo con PaySimple.</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Referencia</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Guardado</translation>
    </message>
    <message>
        <source>The new payment method is on file. Nothing was charged.</source>
        <translation>El medio de pago nuevo está guardado. No se cobró nada.</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Caduca</translation>
    </message>
    <message>
        <source>Nothing was sent to PaySimple: the payment was stopped before it could be recorded. Try again once the journal can be written.</source>
        <translation>No se envió nada a PaySimple: el pago se detuvo antes de poder registrarse. Vuelva a intentarlo cuando se pueda escribir en el registro de pagos.</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Algo salió mal</translation>
    </message>
    <message>
        <source>It is not known whether PaySimple took this payment. Do not charge again: the next charge on this lane shows it with Check again.</source>
        <translation>No se sabe si PaySimple aceptó este pago. No vuelva a cobrar: el próximo cobro en esta caja lo mostrará con Comprobar de nuevo.</translation>
    </message>
    <message>
        <source>Nothing was charged. Check the connection and try again.</source>
        <translation>No se cobró nada. Compruebe la conexión e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>Try another card  [Enter]</source>
        <translation>Probar otra tarjeta  [Intro]</translation>
    </message>
    <message>
        <source>Try again  [Enter]</source>
        <translation>Intentar de nuevo  [Intro]</translation>
    </message>
    <message>
        <source>New sale</source>
        <translation>Venta nueva</translation>
    </message>
    <message>
        <source>Try again  [F6]</source>
        <translation>Intentar de nuevo  [F6]</translation>
    </message>
</context>
<context>
    <name>ResultsList</name>
    <message>
        <source>Near match</source>
        <translation>Parecido</translation>
    </message>
    <message>
        <source>not in PaySimple yet</source>
        <translation>aún no está en PaySimple</translation>
    </message>
    <message>
        <source>Customers found</source>
        <translation>Clientes encontrados</translation>
    </message>
</context>
<context>
    <name>SandboxTestDialog</name>
    <message>
        <source>Sandbox test payment</source>
        <translation>Pago de prueba en Sandbox</translation>
    </message>
    <message>
        <source>One test payment of %1 in your PaySimple Sandbox through PaySimple&apos;s real payment form; it is voided at once. Type a Sandbox test card (for example 4111 1111 1111 1111, any future expiry), then press F9. A report of what the form loaded and did is saved for going Live.</source>
        <translation>Un pago de prueba de %1 en su Sandbox de PaySimple a través del formulario de pago real de PaySimple; se anula en el acto. Escriba una tarjeta de prueba de Sandbox (por ejemplo 4111 1111 1111 1111, cualquier vencimiento futuro) y pulse F9. Se guarda un informe de lo que cargó e hizo el formulario para pasar a Real.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Preparing the Sandbox test customer…</source>
        <translation>Preparando el cliente de prueba de Sandbox…</translation>
    </message>
    <message>
        <source>Approved. Voiding the test payment…</source>
        <translation>Aprobado. Anulando el pago de prueba…</translation>
    </message>
    <message>
        <source>Passed: the test payment went through PaySimple&apos;s form and was approved. Report: %1</source>
        <translation>Superada: el pago de prueba pasó por el formulario de PaySimple y fue aprobado. Informe: %1</translation>
    </message>
    <message>
        <source>Not passed. Report: %1</source>
        <translation>No superada. Informe: %1</translation>
    </message>
</context>
<context>
    <name>SaveFiles</name>
    <message>
        <source>The folder %1 is not there any more (a USB stick taken out?). Choose another folder.</source>
        <translation>La carpeta %1 ya no está (¿se retiró una memoria USB?). Elija otra carpeta.</translation>
    </message>
    <message>
        <source>%1 is a folder. Choose another name.</source>
        <translation>%1 es una carpeta. Elija otro nombre.</translation>
    </message>
    <message>
        <source>The disk of %1 is full. Free some space or choose another folder.</source>
        <translation>El disco de %1 está lleno. Libere espacio o elija otra carpeta.</translation>
    </message>
    <message>
        <source>%1 cannot be written here (no permission, a read-only drive, or the file is open in another program). Close it there or choose another folder, for example Documents.</source>
        <translation>No se puede escribir %1 aquí (sin permiso, una unidad de solo lectura o el archivo está abierto en otro programa). Ciérrelo allí o elija otra carpeta, por ejemplo Documentos.</translation>
    </message>
    <message>
        <source>%1 could not be saved (%2).</source>
        <translation>No se pudo guardar %1 (%2).</translation>
    </message>
    <message>
        <source>Nothing was saved; a file that was there already is unchanged.</source>
        <translation>No se guardó nada; un archivo que ya estaba allí sigue igual.</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Copiar ruta</translation>
    </message>
    <message>
        <source>The file is here:</source>
        <translation>El archivo está aquí:</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copiada</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Training Store</source>
        <translation>Tienda de práctica</translation>
    </message>
    <message>
        <source>1 Main Street, Springfield</source>
        <translation>Calle Mayor 1, Springfield</translation>
    </message>
    <message>
        <source>Thank you for your business</source>
        <translation>Gracias por su compra</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>PaySimple refused this API user or API key (401 Unauthorized). Copy both again from PaySimple (Settings, API Keys); Sandbox and Live have different keys. If they are right, check that this computer&apos;s date and time are correct.</source>
        <translation>PaySimple rechazó este usuario o esta clave de la API (401 No autorizado). Vuelva a copiar ambos desde PaySimple (Settings, API Keys); Sandbox y Real tienen claves distintas. Si son correctos, compruebe que la fecha y la hora de este equipo estén bien.</translation>
    </message>
    <message>
        <source>PaySimple accepted the key but this API user may not read customers (403). Ask PaySimple support to enable API access for it.</source>
        <translation>PaySimple aceptó la clave, pero este usuario de la API no puede leer clientes (403). Pida al soporte de PaySimple que le active el acceso a la API.</translation>
    </message>
    <message>
        <source>%1 did not answer in time. Check the internet connection and try again.</source>
        <translation>%1 no respondió a tiempo. Compruebe la conexión a internet y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Could not connect to %1. Check the network cable or Wi-Fi, a firewall or proxy, then try again.</source>
        <translation>No se pudo conectar con %1. Compruebe el cable de red o el wifi, el cortafuegos o el proxy, y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>PaySimple had a problem (HTTP %1). Try again in a few minutes.</source>
        <translation>PaySimple tuvo un problema (HTTP %1). Vuelva a intentarlo dentro de unos minutos.</translation>
    </message>
    <message>
        <source>PaySimple gave an unexpected answer: %1</source>
        <translation>PaySimple dio una respuesta inesperada: %1</translation>
    </message>
    <message>
        <source>Check the API user and key: %1</source>
        <translation>Revise el usuario y la clave de la API: %1</translation>
    </message>
    <message>
        <source>The connection test failed (%1).</source>
        <translation>La prueba de conexión falló (%1).</translation>
    </message>
    <message>
        <source>%1 (point for cents)</source>
        <translation>%1 (punto para los centavos)</translation>
    </message>
    <message>
        <source>%1 (comma for cents)</source>
        <translation>%1 (coma para los centavos)</translation>
    </message>
    <message>
        <source>Where should payments go?</source>
        <translation>¿Adónde deben ir los pagos?</translation>
    </message>
    <message>
        <source>You can change this later (a manager must approve).</source>
        <translation>Puede cambiarlo más adelante (con la aprobación de un gerente).</translation>
    </message>
    <message>
        <source>Practise on this computer with made-up customers. No PaySimple account needed, no money moves.</source>
        <translation>Practique en este equipo con clientes inventados. No necesita cuenta de PaySimple y no se mueve dinero.</translation>
    </message>
    <message>
        <source>Your PaySimple Sandbox (test) account. Needs its API user and key; no real money moves.</source>
        <translation>Su cuenta Sandbox (de pruebas) de PaySimple. Necesita su usuario y clave de la API; no se mueve dinero real.</translation>
    </message>
    <message>
        <source>Your real PaySimple account: cards and bank accounts are charged. Needs the Live API user and key and a manager&apos;s approval.</source>
        <translation>Su cuenta real de PaySimple: se cobra a tarjetas y cuentas bancarias. Necesita el usuario y la clave de la API de producción (Live) y la aprobación de un gerente.</translation>
    </message>
    <message>
        <source>Store server</source>
        <translation>Servidor de la tienda</translation>
    </message>
    <message>
        <source>This counter is one lane of the store: the store server holds the PaySimple key, the clerks and the payments. Needs the server&apos;s address and a one-time enrollment code from a manager.</source>
        <translation>Esta caja es una más de la tienda: el servidor de la tienda guarda la clave de PaySimple, los cajeros y los pagos. Necesita la dirección del servidor y un código de alta de un solo uso de un encargado.</translation>
    </message>
    <message>
        <source>This is a training run (started with --training): only training settings can be changed here. To change where payments go, start the app without --training.</source>
        <translation>Esta es una sesión de práctica (iniciada con --training): aquí solo se puede cambiar la configuración de práctica. Para cambiar adónde van los pagos, inicie la aplicación sin --training.</translation>
    </message>
    <message>
        <source>Go Live without a passed Sandbox test payment (recorded as a manager&apos;s override)</source>
        <translation>Pasar a Real sin un pago de prueba superado en Sandbox (queda registrado como excepción aprobada por un gerente)</translation>
    </message>
    <message>
        <source>Going Live needs a passed Sandbox test payment: in Sandbox, Manager → Sandbox test payment…. Or tick the box above: a manager&apos;s approval records the override.</source>
        <translation>Pasar a Real requiere un pago de prueba superado en Sandbox: en Sandbox, Gerente → Pago de prueba en Sandbox…. O marque la casilla de arriba: la aprobación de un gerente registra la excepción.</translation>
    </message>
    <message>
        <source>Switching to Live needs a manager&apos;s approval.</source>
        <translation>Pasar a Real requiere la aprobación de un gerente.</translation>
    </message>
    <message>
        <source>Changing the %1 settings needs the approval of a %1 manager.</source>
        <translation>Cambiar la configuración de %1 requiere la aprobación de un gerente de %1.</translation>
    </message>
    <message>
        <source>PaySimple API credentials</source>
        <translation>Credenciales de la API de PaySimple</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Probar la conexión</translation>
    </message>
    <message>
        <source>Keep the key in memory for this session only</source>
        <translation>Guardar la clave en memoria solo durante esta sesión</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>Usuario de la API</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clave de la API</translation>
    </message>
    <message>
        <source>From PaySimple: Settings, API Keys, for your %1 account. The key is kept in this computer&apos;s password store (keyring), never in a file.</source>
        <translation>En PaySimple: Settings, API Keys, de su cuenta %1. La clave se guarda en el almacén de contraseñas de este equipo (keyring), nunca en un archivo.</translation>
    </message>
    <message>
        <source>Saved on this computer: leave empty to keep it, or type a new key</source>
        <translation>Guardada en este equipo: déjela vacía para conservarla o escriba una clave nueva</translation>
    </message>
    <message>
        <source>Another API user: type its API key</source>
        <translation>Otro usuario de la API: escriba su clave de la API</translation>
    </message>
    <message>
        <source>The key will be stored in: %1</source>
        <translation>La clave se guardará en: %1</translation>
    </message>
    <message>
        <source>Type the API user and the API key first.</source>
        <translation>Primero escriba el usuario y la clave de la API.</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>Probando la conexión…</translation>
    </message>
    <message>
        <source>Connected. Customers in this account: %1.</source>
        <translation>Conectado. Clientes en esta cuenta: %1.</translation>
    </message>
    <message>
        <source>This computer has no password store (keyring) the app can use, so the API key cannot be saved. To fix it on a Linux desktop, install and unlock GNOME Keyring or KWallet (package &quot;gnome-keyring&quot;), then restart the app. Or keep the key in memory for this session only: you will be asked for it again at the next start. The key is never written to a file.</source>
        <translation>Este equipo no tiene un almacén de contraseñas (keyring) que la aplicación pueda usar, así que la clave de la API no se puede guardar. Para solucionarlo en un escritorio Linux, instale y desbloquee GNOME Keyring o KWallet (paquete &quot;gnome-keyring&quot;) y reinicie la aplicación. O guarde la clave en memoria solo durante esta sesión: se le volverá a pedir en el próximo inicio. La clave nunca se escribe en un archivo.</translation>
    </message>
    <message>
        <source>Store and receipt</source>
        <translation>Tienda y recibo</translation>
    </message>
    <message>
        <source>Printed at the top and bottom of every receipt.</source>
        <translation>Se imprime al principio y al final de cada recibo.</translation>
    </message>
    <message>
        <source>A name for this counter: letters, digits and _ only.</source>
        <translation>Un nombre para esta caja: solo letras, dígitos y _.</translation>
    </message>
    <message>
        <source>How amounts are shown, typed and printed at this store, whatever the language of the screens.</source>
        <translation>Cómo se muestran, escriben e imprimen los importes en esta tienda, sea cual sea el idioma de las pantallas.</translation>
    </message>
    <message>
        <source>Store name</source>
        <translation>Nombre de la tienda</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Receipt footer</source>
        <translation>Pie del recibo</translation>
    </message>
    <message>
        <source>Counter (lane)</source>
        <translation>Caja (lane)</translation>
    </message>
    <message>
        <source>Money format</source>
        <translation>Formato de los importes</translation>
    </message>
    <message>
        <source>Enter the store name (it is printed on receipts).</source>
        <translation>Escriba el nombre de la tienda (se imprime en los recibos).</translation>
    </message>
    <message>
        <source>The counter name must be 1 to 20 letters, digits or _ (e.g. LANE1).</source>
        <translation>El nombre de la caja debe tener de 1 a 20 letras, dígitos o _ (p. ej., LANE1).</translation>
    </message>
    <message>
        <source>First manager</source>
        <translation>Primer gerente</translation>
    </message>
    <message>
        <source>Managers approve voids, refunds, settings and going Live, and add clerks. Choose a PIN nobody can guess.</source>
        <translation>Los gerentes aprueban anulaciones, reembolsos, cambios de configuración y el paso a Real, y añaden cajeros. Elija un PIN que nadie pueda adivinar.</translation>
    </message>
    <message>
        <source>Manager name</source>
        <translation>Nombre del gerente</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>Repita el PIN</translation>
    </message>
    <message>
        <source>The two PINs are different. Type them again.</source>
        <translation>Los dos PIN no coinciden. Escríbalos de nuevo.</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Listo</translation>
    </message>
    <message>
        <source>Check the details, then press Finish.</source>
        <translation>Revise los datos y pulse Finalizar.</translation>
    </message>
    <message>
        <source>Environment: %1</source>
        <translation>Entorno: %1</translation>
    </message>
    <message>
        <source>Store server: %1 (certificate %2)</source>
        <translation>Servidor de la tienda: %1 (certificado %2)</translation>
    </message>
    <message>
        <source>This counter keeps no PaySimple key: clerks sign in with their store server PIN.</source>
        <translation>Esta caja no guarda ninguna clave de PaySimple: los cajeros inician sesión con su PIN del servidor de la tienda.</translation>
    </message>
    <message>
        <source>Training needs no PaySimple account. Sign in as %1 with PIN %2.</source>
        <translation>La práctica no necesita cuenta de PaySimple. Inicie sesión como %1 con el PIN %2.</translation>
    </message>
    <message>
        <source>API user: %1</source>
        <translation>Usuario de la API: %1</translation>
    </message>
    <message>
        <source>API key: kept in memory for this session only</source>
        <translation>Clave de la API: en memoria solo durante esta sesión</translation>
    </message>
    <message>
        <source>API key: saved in %1</source>
        <translation>Clave de la API: guardada en %1</translation>
    </message>
    <message>
        <source>Receipt: %1, %2 %3</source>
        <translation>Recibo: %1, %2 %3</translation>
    </message>
    <message>
        <source>Counter: %1</source>
        <translation>Caja: %1</translation>
    </message>
    <message>
        <source>Money: %1</source>
        <translation>Importes: %1</translation>
    </message>
    <message>
        <source>First manager: %1</source>
        <translation>Primer gerente: %1</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Siguiente</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Finalizar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>The clerk file cannot be read (%1).</source>
        <translation>No se puede leer el archivo de cajeros (%1).</translation>
    </message>
    <message>
        <source>This environment cannot be set up from here.</source>
        <translation>Este entorno no se puede configurar desde aquí.</translation>
    </message>
    <message>
        <source>Enroll this counter with the store server first (Back).</source>
        <translation>Primero dé de alta esta caja en el servidor de la tienda (Atrás).</translation>
    </message>
    <message>
        <source>The set-up was not saved (%1).</source>
        <translation>La configuración no se guardó (%1).</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Counter set-up</source>
        <translation>Configuración de la caja</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Screen locked</source>
        <translation>Pantalla bloqueada</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Sesión cerrada</translation>
    </message>
    <message>
        <source>&amp;Counter</source>
        <translation>&amp;Caja</translation>
    </message>
    <message>
        <source>Lock screen</source>
        <translation>Bloquear la pantalla</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Cerrar &amp;sesión</translation>
    </message>
    <message>
        <source>Payment history…</source>
        <translation>Historial de pagos…</translation>
    </message>
    <message>
        <source>New customer…</source>
        <translation>Cliente nuevo…</translation>
    </message>
    <message>
        <source>Edit customer…</source>
        <translation>Editar cliente…</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Sa&amp;lir</translation>
    </message>
    <message>
        <source>&amp;Manager</source>
        <translation>&amp;Gerente</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>Clerks…</source>
        <translation>Cajeros…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Configuración…</translation>
    </message>
    <message>
        <source>End of day…</source>
        <translation>Cierre del día…</translation>
    </message>
    <message>
        <source>Import customers from CSV…</source>
        <translation>Importar clientes desde CSV…</translation>
    </message>
    <message>
        <source>Sandbox test payment…</source>
        <translation>Pago de prueba en Sandbox…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Acerca de</translation>
    </message>
    <message>
        <source>The language changed for now but could not be saved for the next start.</source>
        <translation>El idioma cambió ahora, pero no se pudo guardar para el próximo inicio.</translation>
    </message>
    <message>
        <source>A payment is under way: finish it before signing out.</source>
        <translation>Hay un pago en curso: termínelo antes de cerrar la sesión.</translation>
    </message>
    <message>
        <source>Set up again</source>
        <translation>Configurar de nuevo</translation>
    </message>
    <message>
        <source>The counter uses the new set-up from the next start. Close the app and open it again.</source>
        <translation>La caja usa la nueva configuración desde el próximo inicio. Cierre la aplicación y vuelva a abrirla.</translation>
    </message>
    <message>
        <source>A payment is under way: finish it before quitting.</source>
        <translation>Hay un pago en curso: termínelo antes de salir.</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Quit the counter? No payments can be taken on this lane until it is started again.</source>
        <translation>¿Salir de la caja? No se podrán cobrar pagos en esta caja hasta que se vuelva a abrir.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Not ready yet</source>
        <translation>Todavía no está lista</translation>
    </message>
    <message>
        <source>The counter is still connecting to PaySimple. Try again in a moment.</source>
        <translation>La caja todavía se está conectando con PaySimple. Inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>A payment is under way: finish it first.</source>
        <translation>Hay un pago en curso: termínelo primero.</translation>
    </message>
    <message>
        <source>First find the customer: Ctrl+F, then ↑↓ and Enter. Ctrl+E then edits them.</source>
        <translation>Primero busque al cliente: Ctrl+F, luego ↑↓ e Intro. Después Ctrl+E lo edita.</translation>
    </message>
    <message>
        <source>Edit customer</source>
        <translation>Editar cliente</translation>
    </message>
    <message>
        <source>Import customers from CSV: adds and updates customers in this counter&apos;s customer list.</source>
        <translation>Importar clientes desde CSV: añade y actualiza clientes en la lista de clientes de esta caja.</translation>
    </message>
    <message>
        <source>Import customers from CSV</source>
        <translation>Importar clientes desde CSV</translation>
    </message>
    <message>
        <source>Sandbox test payment</source>
        <translation>Pago de prueba en Sandbox</translation>
    </message>
    <message>
        <source>Restart needed</source>
        <translation>Hay que reiniciar</translation>
    </message>
    <message>
        <source>The counter will use %1 from the next start. Close the app when no payment is in progress and open it again.</source>
        <translation>La caja usará %1 a partir del próximo inicio. Cierre la aplicación cuando no haya ningún pago en curso y vuelva a abrirla.</translation>
    </message>
</context>
<context>
    <name>StartRefused</name>
    <message>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Real</translation>
    </message>
    <message>
        <source>pos-app cannot start</source>
        <translation>pos-app no puede iniciarse</translation>
    </message>
    <message>
        <source>%1 will not start: Chromium&apos;s sandbox is off.</source>
        <translation>%1 no se inicia: el aislamiento (sandbox) de Chromium está desactivado.</translation>
    </message>
    <message>
        <source>The web view that shows PaySimple&apos;s payment form would run without Chromium&apos;s sandbox (%1). A flaw in that page could then reach this computer with the app&apos;s rights.

Start the app as a normal user (not root) without QTWEBENGINE_DISABLE_SANDBOX, or, if you accept that risk, start it with --allow-no-sandbox. Training mode (--training) still works.</source>
        <translation>La vista web que muestra el formulario de pago de PaySimple funcionaría sin el aislamiento (sandbox) de Chromium (%1). Un fallo en esa página podría entonces llegar a este equipo con los permisos de la aplicación.

Inicie la aplicación como usuario normal (no root) sin QTWEBENGINE_DISABLE_SANDBOX o, si acepta ese riesgo, iníciela con --allow-no-sandbox. El modo de práctica (--training) sigue funcionando.</translation>
    </message>
    <message>
        <source>The counter was not opened.</source>
        <translation>La caja no se abrió.</translation>
    </message>
</context>
<context>
    <name>StorageMessages</name>
    <message>
        <source>The counter could not start</source>
        <translation>La caja no pudo iniciarse</translation>
    </message>
    <message>
        <source>payment journal</source>
        <translation>el registro de pagos</translation>
    </message>
    <message>
        <source>customer list</source>
        <translation>la lista de clientes</translation>
    </message>
    <message>
        <source>clerk file</source>
        <translation>el archivo de cajeros</translation>
    </message>
    <message>
        <source>settings file</source>
        <translation>el archivo de configuración</translation>
    </message>
    <message>
        <source>training data</source>
        <translation>los datos de práctica</translation>
    </message>
    <message>
        <source>journal backup</source>
        <translation>la copia de seguridad del registro</translation>
    </message>
    <message>
        <source>data folder</source>
        <translation>la carpeta de datos</translation>
    </message>
    <message>
        <source>log folder</source>
        <translation>la carpeta de registros</translation>
    </message>
    <message>
        <source>store server records</source>
        <translation>los registros del servidor de la tienda</translation>
    </message>
    <message>
        <source>The %1 (%2) cannot be written: the folder or disk is read-only.</source>
        <translation>No se puede escribir en %1 (%2): la carpeta o el disco es de solo lectura.</translation>
    </message>
    <message>
        <source>The %1 (%2) cannot be written: the disk is full.</source>
        <translation>No se puede escribir en %1 (%2): el disco está lleno.</translation>
    </message>
    <message>
        <source>The %1 (%2) is damaged.</source>
        <translation>Se encontraron daños en %1 (%2).</translation>
    </message>
    <message>
        <source>The %1 (%2) cannot be opened.</source>
        <translation>No se puede abrir %1 (%2).</translation>
    </message>
    <message>
        <source>The %1 (%2) is in use by another program.</source>
        <translation>Otro programa está usando %1 (%2).</translation>
    </message>
    <message>
        <source>The %1 (%2) could not be read or written: the disk reported an error.</source>
        <translation>Falló la lectura o escritura de %1 (%2): el disco indicó un error.</translation>
    </message>
    <message>
        <source>The %1 (%2) cannot be reached: the connection to its database server failed.</source>
        <translation>No se puede acceder a %1 (%2): falló la conexión con su servidor de base de datos.</translation>
    </message>
    <message>
        <source>The %1 (%2) could not be read or written: its database server reported a problem.</source>
        <translation>No se pudo leer ni escribir %1 (%2): su servidor de base de datos indicó un problema.</translation>
    </message>
    <message>
        <source>It failed the integrity check.</source>
        <translation>No superó la comprobación de integridad.</translation>
    </message>
    <message>
        <source>A journal restore is running.</source>
        <translation>Se está restaurando el registro de pagos.</translation>
    </message>
    <message>
        <source>There is no journal file to back up.</source>
        <translation>No hay ningún archivo de registro del que hacer una copia de seguridad.</translation>
    </message>
    <message>
        <source>Its automatic backup failed the integrity check.</source>
        <translation>Su copia de seguridad automática no superó la comprobación de integridad.</translation>
    </message>
    <message>
        <source>Make the file %1 writable for the user who runs the app (or call support), then try again.</source>
        <translation>Dé permiso de escritura en el archivo %1 al usuario que ejecuta la aplicación (o llame a soporte) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>A manager can restore the latest automatic backup (Restore backup, or pos-app --restore-journal FILE); otherwise call support.</source>
        <translation>Un gerente puede restaurar la última copia de seguridad automática (Restaurar esta copia, o pos-app --restore-journal ARCHIVO); si no, llame al soporte.</translation>
    </message>
    <message>
        <source>It holds practice data only: move the file away (or rename it) and start the app again for fresh training data.</source>
        <translation>Solo contiene datos de práctica: mueva el archivo a otro lugar (o cámbiele el nombre) e inicie de nuevo la aplicación para tener datos de práctica nuevos.</translation>
    </message>
    <message>
        <source>Make the folder %1 writable for the user who runs the app (or move the data to a disk that is not read-only), then try again.</source>
        <translation>Dé permiso de escritura en la carpeta %1 al usuario que ejecuta la aplicación (o mueva los datos a un disco que no sea de solo lectura) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Free some space on the disk that holds %1, then try again.</source>
        <translation>Libere espacio en el disco donde está %1 y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Keep the file as it is and call support.</source>
        <translation>Deje el archivo tal como está y llame al soporte.</translation>
    </message>
    <message>
        <source>Check that the folder %1 exists, is a folder and that the user who runs the app may write to it, then try again.</source>
        <translation>Compruebe que la carpeta %1 existe, que es una carpeta y que el usuario que ejecuta la aplicación puede escribir en ella, y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Another program is using the file (a second copy of the app?). Close it, then try again.</source>
        <translation>Otro programa está usando el archivo (¿otra copia de la aplicación abierta?). Ciérrelo y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The disk reported an error. Check the disk (or its cable), then try again; call support if it happens again.</source>
        <translation>El disco indicó un error. Revise el disco (o su cable) y vuelva a intentarlo; si vuelve a pasar, llame al soporte.</translation>
    </message>
    <message>
        <source>Check the network, that the database server is running and that the app&apos;s database settings (server, database, user, password) are right, then try again; call support if it happens again.</source>
        <translation>Revise la red, que el servidor de base de datos esté en marcha y que los datos de la base de datos de la aplicación (servidor, base de datos, usuario, contraseña) sean correctos, y vuelva a intentarlo; si vuelve a pasar, llame al soporte.</translation>
    </message>
    <message>
        <source>Ask whoever looks after the database server to check it (its log says why), then try again.</source>
        <translation>Pida a quien se ocupa del servidor de base de datos que lo revise (su registro dice por qué) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The %1 (%2) cannot be written: the file %3 is read-only.</source>
        <translation>No se puede escribir en %1 (%2): el archivo %3 es de solo lectura.</translation>
    </message>
    <message>
        <source>The file was not changed.</source>
        <translation>El archivo no se modificó.</translation>
    </message>
    <message>
        <source>What was saved before is intact.</source>
        <translation>Lo que se guardó antes sigue intacto.</translation>
    </message>
    <message>
        <source>Restore this backup…</source>
        <translation>Restaurar esta copia…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Latest automatic backup: %1 (%2 payment attempts), file %3. Restoring it keeps the damaged journal next to it; payments made after the backup stay in PaySimple and show in End of day.</source>
        <translation>Última copia de seguridad automática: %1 (%2 intentos de pago), archivo %3. Al restaurarla, el registro dañado se conserva junto a ella; los pagos hechos después de la copia siguen en PaySimple y aparecen en el Cierre del día.</translation>
    </message>
    <message>
        <source>No automatic backup was found in %1. Keep the journal as it is and call support.</source>
        <translation>No se encontró ninguna copia de seguridad automática en %1. Deje el registro tal como está y llame al soporte.</translation>
    </message>
    <message>
        <source>Replace the damaged payment journal with the backup of %1. The damaged journal is kept.</source>
        <translation>Sustituir el registro de pagos dañado por la copia de seguridad del %1. El registro dañado se conserva.</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <source>Restored %1 payment attempts. The damaged journal is kept as %2. The counter starts again now.</source>
        <translation>Se restauraron %1 intentos de pago. El registro dañado se conserva como %2. La caja se inicia de nuevo ahora.</translation>
    </message>
    <message>
        <source>Payment journal restored</source>
        <translation>Registro de pagos restaurado</translation>
    </message>
    <message>
        <source>The journal is in use by another program (another copy of the app?). Close it, then restore again. Nothing was changed.</source>
        <translation>Otro programa está usando el registro de pagos (¿otra copia de la aplicación abierta?). Ciérrelo y vuelva a restaurar. No se cambió nada.</translation>
    </message>
    <message>
        <source>This backup cannot be used (%1). Nothing was changed. Call support.</source>
        <translation>Esta copia de seguridad no se puede usar (%1). No se cambió nada. Llame al soporte.</translation>
    </message>
    <message>
        <source>The restore did not finish (%1). Nothing was changed.</source>
        <translation>La restauración no terminó (%1). No se cambió nada.</translation>
    </message>
    <message>
        <source>No payments: the payment journal (%1) has a problem.</source>
        <translation>Cobros detenidos: hay un problema con el registro de pagos (%1).</translation>
    </message>
    <message>
        <source>Not started: the %1 (%2) has a problem.</source>
        <translation>Sin iniciar: hay un problema con %1 (%2).</translation>
    </message>
    <message>
        <source>The customer list was damaged. It was kept as %1 and a new one was made: %2 customers added at this counter (not in PaySimple) and %3 others were recovered; the rest come back from PaySimple with the sync.</source>
        <translation>La lista de clientes estaba dañada. Se conservó como %1 y se creó una nueva: se recuperaron %2 clientes añadidos en esta caja (que no están en PaySimple) y otros %3; el resto vuelve de PaySimple con la sincronización.</translation>
    </message>
    <message>
        <source>Part of the damaged file could not be read; customers added at this counter in that part must be entered again.</source>
        <translation>Una parte del archivo dañado no se pudo leer; los clientes añadidos en esta caja que estaban en esa parte se deben introducir de nuevo.</translation>
    </message>
    <message>
        <source>The automatic backup of the payment journal could not be written:</source>
        <translation>No se pudo escribir la copia de seguridad automática del registro de pagos:</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Almacenamiento</translation>
    </message>
    <message>
        <source>Settings were reset</source>
        <translation>Se restableció la configuración</translation>
    </message>
    <message>
        <source>The settings file could not be read, so the counter started with default settings: the lane, the store&apos;s name on receipts, the money format and the language may not be this store&apos;s. The damaged file was kept as %1. A manager should check Manager → Settings… now.</source>
        <translation>No se pudo leer el archivo de configuración, así que la caja empezó con la configuración predeterminada: la caja, el nombre de la tienda en los recibos, el formato de dinero y el idioma pueden no ser los de esta tienda. El archivo dañado se guardó como %1. Un gerente debe revisar Gerente → Configuración… ahora.</translation>
    </message>
</context>
<context>
    <name>StoreServer</name>
    <message>
        <source>This request carries no lane credential: only enrolled counters may use the store server (Set-up → Store server).</source>
        <translation>Esta petición no lleva la credencial de una caja: solo las cajas dadas de alta pueden usar el servidor de la tienda (Configuración → Servidor de la tienda).</translation>
    </message>
    <message>
        <source>This counter&apos;s credential is not known to the store server: enroll it again (Set-up → Store server).</source>
        <translation>El servidor de la tienda no reconoce la credencial de esta caja: vuelva a darla de alta (Configuración → Servidor de la tienda).</translation>
    </message>
    <message>
        <source>Lane %1 was revoked on the store server: a manager enrolls this counter again (Set-up → Store server) if it should work.</source>
        <translation>La caja %1 se revocó en el servidor de la tienda: si debe seguir funcionando, un gerente vuelve a darla de alta (Configuración → Servidor de la tienda).</translation>
    </message>
    <message>
        <source>This server speaks plain HTTP to this machine only: use https:// from other machines.</source>
        <translation>Este servidor solo habla HTTP sin cifrar con este mismo equipo: use https:// desde otros equipos.</translation>
    </message>
    <message>
        <source>The store server failed on this request (its log says why): try again; call support if it happens again.</source>
        <translation>El servidor de la tienda falló con esta petición (su registro indica el motivo): inténtelo de nuevo; si vuelve a pasar, llame al soporte.</translation>
    </message>
    <message>
        <source>Nobody is signed in at this counter: sign in first.</source>
        <translation>Nadie ha iniciado sesión en esta caja: inicie sesión primero.</translation>
    </message>
    <message>
        <source>This sign-in is not known to the store server: sign in again.</source>
        <translation>El servidor de la tienda no reconoce esta sesión: inicie sesión de nuevo.</translation>
    </message>
    <message>
        <source>This sign-in belongs to another counter: sign in here.</source>
        <translation>Esta sesión pertenece a otra caja: inicie sesión aquí.</translation>
    </message>
    <message>
        <source>This clerk signed out (or another clerk signed in here): sign in.</source>
        <translation>Este cajero cerró la sesión (u otro cajero la inició aquí): inicie sesión.</translation>
    </message>
    <message>
        <source>The counter was locked: sign in again.</source>
        <translation>La caja se bloqueó: inicie sesión de nuevo.</translation>
    </message>
    <message>
        <source>The sign-in has expired: sign in again.</source>
        <translation>La sesión ha caducado: inicie sesión de nuevo.</translation>
    </message>
    <message>
        <source>Only a signed-in manager can do this (%1).</source>
        <translation>Solo un gerente con la sesión iniciada puede hacer esto (%1).</translation>
    </message>
    <message>
        <source>Only a signed-in manager can create enrollment codes.</source>
        <translation>Solo un gerente con la sesión iniciada puede crear códigos de alta.</translation>
    </message>
    <message>
        <source>Only a signed-in manager can list the lanes.</source>
        <translation>Solo un gerente con la sesión iniciada puede ver la lista de cajas.</translation>
    </message>
    <message>
        <source>Only a signed-in manager can revoke a lane.</source>
        <translation>Solo un gerente con la sesión iniciada puede revocar una caja.</translation>
    </message>
    <message>
        <source>Only a signed-in manager can start a customer sync.</source>
        <translation>Solo un gerente con la sesión iniciada puede iniciar una sincronización de clientes.</translation>
    </message>
    <message>
        <source>Only a signed-in manager can read the audit trail.</source>
        <translation>Solo un gerente con la sesión iniciada puede leer el registro de auditoría.</translation>
    </message>
    <message>
        <source>A lane name is 1-20 letters, digits or &apos;_&apos; (e.g. LANE2).</source>
        <translation>El nombre de una caja tiene de 1 a 20 letras, dígitos o &apos;_&apos; (p. ej. LANE2).</translation>
    </message>
    <message>
        <source>An enrollment code has 16 letters and digits (XXXX-XXXX-XXXX-XXXX), as pos-app-server enroll-code printed it.</source>
        <translation>Un código de alta tiene 16 letras y dígitos (XXXX-XXXX-XXXX-XXXX), tal como lo mostró pos-app-server enroll-code.</translation>
    </message>
    <message>
        <source>Too many enrollment codes are open: try again later.</source>
        <translation>Hay demasiados códigos de alta abiertos: inténtelo de nuevo más tarde.</translation>
    </message>
    <message>
        <source>This enrollment code is not right: check it, or ask a manager for a new one (pos-app-server enroll-code).</source>
        <translation>Este código de alta no es correcto: revíselo o pida uno nuevo a un gerente (pos-app-server enroll-code).</translation>
    </message>
    <message>
        <source>This enrollment code is not known to the server: ask a manager for a new one (pos-app-server enroll-code).</source>
        <translation>El servidor no conoce este código de alta: pida uno nuevo a un gerente (pos-app-server enroll-code).</translation>
    </message>
    <message>
        <source>This enrollment code was used already: ask a manager for a new one.</source>
        <translation>Este código de alta ya se usó: pida uno nuevo a un gerente.</translation>
    </message>
    <message>
        <source>This enrollment code was typed wrong too often and no longer works: ask a manager for a new one.</source>
        <translation>Este código de alta se escribió mal demasiadas veces y ya no sirve: pida uno nuevo a un gerente.</translation>
    </message>
    <message>
        <source>This enrollment code has expired: ask a manager for a new one.</source>
        <translation>Este código de alta ha caducado: pida uno nuevo a un gerente.</translation>
    </message>
    <message>
        <source>This enrollment code is for lane %1, not %2.</source>
        <translation>Este código de alta es para la caja %1, no para %2.</translation>
    </message>
    <message>
        <source>Lane %1 is enrolled already. A manager revokes it first (pos-app-server revoke-lane) if this PC replaces it.</source>
        <translation>La caja %1 ya está dada de alta. Si este PC la sustituye, un gerente la revoca primero (pos-app-server revoke-lane).</translation>
    </message>
    <message>
        <source>There is no enrolled lane %1.</source>
        <translation>No hay ninguna caja %1 dada de alta.</translation>
    </message>
    <message>
        <source>This action (%1) needs a manager&apos;s approval on this counter: ask a manager to approve it.</source>
        <translation>Esta acción (%1) necesita la aprobación de un gerente en esta caja: pida a un gerente que la apruebe.</translation>
    </message>
    <message>
        <source>A void needs a manager&apos;s approval on this counter: ask a manager to approve it.</source>
        <translation>Una anulación necesita la aprobación de un gerente en esta caja: pida a un gerente que la apruebe.</translation>
    </message>
    <message>
        <source>A refund needs a manager&apos;s approval on this counter: ask a manager to approve it.</source>
        <translation>Un reembolso necesita la aprobación de un gerente en esta caja: pida a un gerente que lo apruebe.</translation>
    </message>
    <message>
        <source>Closing a review needs a manager&apos;s approval on this counter: ask a manager to approve it.</source>
        <translation>Cerrar una revisión necesita la aprobación de un gerente en esta caja: pida a un gerente que lo apruebe.</translation>
    </message>
    <message>
        <source>This manager approval was not given by the store server: ask a manager to approve again.</source>
        <translation>Esta aprobación de gerente no la dio el servidor de la tienda: pida a un gerente que apruebe de nuevo.</translation>
    </message>
    <message>
        <source>This manager approval was given at another counter or to another clerk: ask a manager to approve here.</source>
        <translation>Esta aprobación de gerente se dio en otra caja o a otro cajero: pida a un gerente que apruebe aquí.</translation>
    </message>
    <message>
        <source>This manager approval is for %1 %2, not this %3: ask again.</source>
        <translation>Esta aprobación de gerente es para %1 %2, no para este %3: pídala de nuevo.</translation>
    </message>
    <message>
        <source>This manager approval was used already: ask a manager again.</source>
        <translation>Esta aprobación de gerente ya se usó: pídala de nuevo a un gerente.</translation>
    </message>
    <message>
        <source>This manager approval has expired: ask a manager again.</source>
        <translation>Esta aprobación de gerente ha caducado: pídala de nuevo a un gerente.</translation>
    </message>
    <message>
        <source>There is no customer %1 on the store server.</source>
        <translation>No hay ningún cliente %1 en el servidor de la tienda.</translation>
    </message>
    <message>
        <source>Select the customer at this counter first.</source>
        <translation>Seleccione primero al cliente en esta caja.</translation>
    </message>
    <message>
        <source>This customer is not in PaySimple yet: save them to PaySimple first (Edit customer, Save).</source>
        <translation>Este cliente aún no está en PaySimple: guárdelo primero en PaySimple (Editar cliente, Guardar).</translation>
    </message>
    <message>
        <source>That is not the customer selected at this counter: select them first.</source>
        <translation>Ese no es el cliente seleccionado en esta caja: selecciónelo primero.</translation>
    </message>
    <message>
        <source>That is not the customer selected at this counter: select them first. Nothing was charged.</source>
        <translation>Ese no es el cliente seleccionado en esta caja: selecciónelo primero. No se cobró nada.</translation>
    </message>
    <message>
        <source>%1 Its customers arrive when it ends; no need to start another.</source>
        <translation>%1 Sus clientes llegarán cuando termine; no hace falta iniciar otra.</translation>
    </message>
    <message>
        <source>The store&apos;s customer sync is running on another server instance.</source>
        <translation>La sincronización de clientes de la tienda se está ejecutando en otra instancia del servidor.</translation>
    </message>
    <message>
        <source>The store server is making other copies of the customer list right now: ask again in a moment.</source>
        <translation>El servidor de la tienda está haciendo ahora otras copias de la lista de clientes: vuelva a pedirlo en un momento.</translation>
    </message>
    <message>
        <source>The form returned an account that is not the selected customer&apos;s: nothing was charged. Enter the card or bank account again.</source>
        <translation>El formulario devolvió una cuenta que no es del cliente seleccionado: no se cobró nada. Introduzca de nuevo la tarjeta o la cuenta bancaria.</translation>
    </message>
    <message>
        <source>That account was not read as the selected customer&apos;s at this counter: list the customer&apos;s accounts (or enter the card again) first. Nothing was charged.</source>
        <translation>En esta caja no se leyó esa cuenta como del cliente seleccionado: primero muestre las cuentas del cliente (o introduzca de nuevo la tarjeta). No se cobró nada.</translation>
    </message>
    <message>
        <source>The store server never received this payment, and it never will now: it was not charged.</source>
        <translation>El servidor de la tienda nunca recibió este pago, y ya no lo recibirá: no se cobró.</translation>
    </message>
    <message>
        <source>This counter sent no charge %1.</source>
        <translation>Esta caja no envió ningún cobro %1.</translation>
    </message>
    <message>
        <source>This counter sent no charge %1 that the server wrote.</source>
        <translation>Esta caja no envió ningún cobro %1 que el servidor haya registrado.</translation>
    </message>
    <message>
        <source>There is no payment %1 on the store server.</source>
        <translation>No hay ningún pago %1 en el servidor de la tienda.</translation>
    </message>
    <message>
        <source>Idempotency-Key %1 was already used for a different charge (amount, customer or account differ): nothing was charged for this request. The first request with this key stands; a new charge needs a new key.</source>
        <translation>La Idempotency-Key %1 ya se usó para otro cobro (cambia el importe, el cliente o la cuenta): no se cobró nada por esta petición. Vale la primera petición con esta clave; un cobro nuevo necesita una clave nueva.</translation>
    </message>
    <message>
        <source>The server is checking lane %1&apos;s unfinished payments: ask again shortly.</source>
        <translation>El servidor está comprobando los pagos sin terminar de la caja %1: vuelva a preguntar en breve.</translation>
    </message>
    <message>
        <source>The store server cannot be reached.</source>
        <translation>No se puede contactar con el servidor de la tienda.</translation>
    </message>
    <message>
        <source>The store server cannot be reached, so nothing was charged.</source>
        <translation>No se puede contactar con el servidor de la tienda, así que no se cobró nada.</translation>
    </message>
    <message>
        <source>The store server cannot be reached right now. This payment&apos;s outcome is not known yet; it is never charged twice. Check again when the server is back (History).</source>
        <translation>No se puede contactar con el servidor de la tienda ahora mismo. Aún no se sabe el resultado de este pago; nunca se cobra dos veces. Compruébelo de nuevo cuando vuelva el servidor (Historial).</translation>
    </message>
    <message>
        <source>The store server cannot be reached right now.</source>
        <translation>No se puede contactar con el servidor de la tienda ahora mismo.</translation>
    </message>
    <message>
        <source>Clerks are managed on the store server.</source>
        <translation>Los cajeros se gestionan en el servidor de la tienda.</translation>
    </message>
    <message>
        <source>Customer imports run on the store server, not at a counter.</source>
        <translation>Las importaciones de clientes se hacen en el servidor de la tienda, no en una caja.</translation>
    </message>
    <message>
        <source>Select the customer at this counter before charging them.</source>
        <translation>Seleccione al cliente en esta caja antes de cobrarle.</translation>
    </message>
    <message>
        <source>This approval was not given by the store server at this counter: ask a manager to approve again.</source>
        <translation>Esta aprobación no la dio el servidor de la tienda en esta caja: pida a un gerente que apruebe de nuevo.</translation>
    </message>
    <message>
        <source>The counter closed before the store server answered; not known yet.</source>
        <translation>La caja se cerró antes de que respondiera el servidor de la tienda; aún no se sabe.</translation>
    </message>
    <message>
        <source>The store server is still working on this payment.</source>
        <translation>El servidor de la tienda todavía está procesando este pago.</translation>
    </message>
    <message>
        <source>Sending to the store server…</source>
        <translation>Enviando al servidor de la tienda…</translation>
    </message>
    <message>
        <source>The store server is still working on this payment…</source>
        <translation>El servidor de la tienda todavía está procesando este pago…</translation>
    </message>
    <message>
        <source>The store server did not answer; asking again…</source>
        <translation>El servidor de la tienda no respondió; preguntando de nuevo…</translation>
    </message>
    <message>
        <source>The store server&apos;s certificate is not the one this counter enrolled with (another machine answers at its address, or the server was set up again). Nothing was sent. Ask a manager to check the server and enroll this counter again.</source>
        <translation>El certificado del servidor de la tienda no es con el que se dio de alta esta caja (responde otro equipo en su dirección, o el servidor se configuró de nuevo). No se envió nada. Pida a un gerente que revise el servidor y vuelva a dar de alta esta caja.</translation>
    </message>
    <message>
        <source>The store server cannot be reached (no connection). Check that it is running and that this PC is on the store&apos;s network.</source>
        <translation>No se puede contactar con el servidor de la tienda (sin conexión). Compruebe que está en marcha y que este PC está en la red de la tienda.</translation>
    </message>
    <message>
        <source>The store server cannot be reached (no connection).</source>
        <translation>No se puede contactar con el servidor de la tienda (sin conexión).</translation>
    </message>
    <message>
        <source>The store server did not answer in time (no connection).</source>
        <translation>El servidor de la tienda no respondió a tiempo (sin conexión).</translation>
    </message>
    <message>
        <source>The store server&apos;s answer was lost (the connection failed or took too long).</source>
        <translation>Se perdió la respuesta del servidor de la tienda (la conexión falló o tardó demasiado).</translation>
    </message>
    <message>
        <source>The store server&apos;s file was lost (the connection failed or took too long).</source>
        <translation>Se perdió el archivo del servidor de la tienda (la conexión falló o tardó demasiado).</translation>
    </message>
    <message>
        <source>The store server&apos;s reply was too large.</source>
        <translation>La respuesta del servidor de la tienda era demasiado grande.</translation>
    </message>
    <message>
        <source>The store server&apos;s file is larger than %1 bytes.</source>
        <translation>El archivo del servidor de la tienda ocupa más de %1 bytes.</translation>
    </message>
    <message>
        <source>The store server&apos;s file arrived incomplete.</source>
        <translation>El archivo del servidor de la tienda llegó incompleto.</translation>
    </message>
    <message>
        <source>The store server&apos;s answer could not be read.</source>
        <translation>No se pudo leer la respuesta del servidor de la tienda.</translation>
    </message>
    <message>
        <source>Something other than the store server answered (%1).</source>
        <translation>Respondió algo que no es el servidor de la tienda (%1).</translation>
    </message>
    <message>
        <source>The store server&apos;s address looks like https://server:8443.</source>
        <translation>La dirección del servidor de la tienda tiene la forma https://servidor:8443.</translation>
    </message>
    <message>
        <source>The store server is reached with https:// (plain http only on this PC itself).</source>
        <translation>Al servidor de la tienda se llega con https:// (http sin cifrar solo en este mismo PC).</translation>
    </message>
    <message>
        <source>Enrollment needs https:// to the store server (its certificate is what this counter pins).</source>
        <translation>El alta necesita https:// hacia el servidor de la tienda (esta caja fija su certificado).</translation>
    </message>
    <message>
        <source>This server could not prove that it made this enrollment code (a different server, or a machine in between): nothing secret was sent. Check the address and the code, or ask a manager for a new code.</source>
        <translation>Este servidor no pudo demostrar que creó este código de alta (otro servidor, o un equipo intermedio): no se envió nada secreto. Revise la dirección y el código, o pida un código nuevo a un gerente.</translation>
    </message>
    <message>
        <source>The store server&apos;s enrollment answer could not be read: try again.</source>
        <translation>No se pudo leer la respuesta de alta del servidor de la tienda: inténtelo de nuevo.</translation>
    </message>
</context>
<context>
    <name>StoreSetup</name>
    <message>
        <source>This counter&apos;s enrollment was revoked on the store server (or the server no longer knows it), so it cannot sign anyone in or take payments. A manager makes a new enrollment code with pos-app-server enroll-code; then set this counter up again (Set up again…).</source>
        <extracomment>the server&apos;s refusal codes that mean &quot;this counter&apos;s enrollment no longer holds&quot;: set it up again</extracomment>
        <translation>El alta de esta caja se revocó en el servidor de la tienda (o el servidor ya no la conoce), así que no puede iniciar sesiones ni cobrar. Un encargado crea un código de alta nuevo con pos-app-server enroll-code; después configure esta caja de nuevo (Configurar de nuevo…).</translation>
    </message>
    <message>
        <source>The store server&apos;s certificate is not the one this counter enrolled with (another machine answers at its address, or the server was set up again). Nothing was sent. Ask a manager to check the server, then set this counter up again with a new code.</source>
        <translation>El certificado del servidor de la tienda no es el que esta caja fijó al darse de alta (otra máquina responde en su dirección, o el servidor se configuró de nuevo). No se envió nada. Pida a un encargado que revise el servidor y después configure esta caja de nuevo con un código nuevo.</translation>
    </message>
    <message>
        <source>The store server cannot be reached right now. This payment&apos;s outcome is not known yet; it is never charged twice. Check again when the server is back (History).</source>
        <translation>No se puede contactar con el servidor de la tienda ahora mismo. Aún no se sabe el resultado de este pago; nunca se cobra dos veces. Compruébelo de nuevo cuando vuelva el servidor (Historial).</translation>
    </message>
    <message>
        <source>The store server cannot be reached. Check that it is running and that this PC is on the store&apos;s network, then try again. Nothing was charged.</source>
        <translation>No se puede contactar con el servidor de la tienda. Compruebe que está en marcha y que este PC está en la red de la tienda, y vuelva a intentarlo. No se cobró nada.</translation>
    </message>
    <message>
        <source>This server could not prove that it made this enrollment code (a different server, a mistyped code, or a machine in between): nothing secret was sent. Check the address and the code, or ask a manager for a new code.</source>
        <translation>Este servidor no pudo demostrar que creó este código de alta (otro servidor, un código mal escrito o una máquina intermedia): no se envió nada secreto. Revise la dirección y el código, o pida a un encargado un código nuevo.</translation>
    </message>
    <message>
        <source>The store server refused the enrollment code: %1 Ask a manager for a new code (pos-app-server enroll-code).</source>
        <translation>El servidor de la tienda rechazó el código de alta: %1 Pida a un encargado un código nuevo (pos-app-server enroll-code).</translation>
    </message>
    <message>
        <source>The store server refused: %1</source>
        <translation>El servidor de la tienda lo rechazó: %1</translation>
    </message>
    <message>
        <source>An enrollment code has 16 letters and digits (XXXX-XXXX-XXXX-XXXX), as pos-app-server enroll-code printed it.</source>
        <translation>Un código de alta tiene 16 letras y dígitos (XXXX-XXXX-XXXX-XXXX), tal como lo mostró pos-app-server enroll-code.</translation>
    </message>
    <message>
        <source>This computer has no password store (keyring), so the counter&apos;s store credential cannot be kept. Install and unlock GNOME Keyring or KWallet, restart the app, and enroll with a new code.</source>
        <translation>Este equipo no tiene almacén de contraseñas (keyring), así que no se puede guardar la credencial de la caja. Instale y desbloquee GNOME Keyring o KWallet, reinicie la aplicación y dé de alta la caja con un código nuevo.</translation>
    </message>
    <message>
        <source>The store server now uses another PaySimple environment than this counter was set up for. Close the app and open it again.</source>
        <translation>El servidor de la tienda usa ahora otro entorno de PaySimple distinto del configurado en esta caja. Cierre la aplicación y vuelva a abrirla.</translation>
    </message>
    <message>
        <source>Store server</source>
        <translation>Servidor de la tienda</translation>
    </message>
    <message>
        <source>Set up again…</source>
        <translation>Configurar de nuevo…</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>The store server is reached with https:// (plain http only to this PC itself). Type the address as pos-app-server printed it, e.g. https://192.168.1.10:8443.</source>
        <translation>Al servidor de la tienda se llega con https:// (http sin cifrar solo a este mismo PC). Escriba la dirección tal como la mostró pos-app-server, p. ej. https://192.168.1.10:8443.</translation>
    </message>
    <message>
        <source>Type the store server&apos;s address as pos-app-server printed it, e.g. https://192.168.1.10:8443.</source>
        <translation>Escriba la dirección del servidor de la tienda tal como la mostró pos-app-server, p. ej. https://192.168.1.10:8443.</translation>
    </message>
    <message>
        <source>The address and a one-time enrollment code from a manager (pos-app-server enroll-code). The counter keeps no PaySimple key.</source>
        <translation>La dirección y un código de alta de un solo uso de un encargado (pos-app-server enroll-code). La caja no guarda ninguna clave de PaySimple.</translation>
    </message>
    <message>
        <source>https://192.168.1.10:8443</source>
        <translation>https://192.168.1.10:8443</translation>
    </message>
    <message>
        <source>XXXX-XXXX-XXXX-XXXX</source>
        <translation>XXXX-XXXX-XXXX-XXXX</translation>
    </message>
    <message>
        <source>Enroll</source>
        <translation>Dar de alta</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Dirección del servidor</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>Código de alta</translation>
    </message>
    <message>
        <source>Counter (lane)</source>
        <translation>Caja</translation>
    </message>
    <message>
        <source>The counter name must be 1 to 20 letters, digits or _ (e.g. LANE1).</source>
        <translation>El nombre de la caja debe tener de 1 a 20 letras, dígitos o _ (p. ej., LANE1).</translation>
    </message>
    <message>
        <source>Type the enrollment code a manager made on the store server.</source>
        <translation>Escriba el código de alta que un encargado creó en el servidor de la tienda.</translation>
    </message>
    <message>
        <source>Enrolling with the store server…</source>
        <translation>Dando de alta en el servidor de la tienda…</translation>
    </message>
    <message>
        <source>Enrolled as %1 with the store server %2 (PaySimple %3).</source>
        <translation>Dada de alta como %1 en el servidor de la tienda %2 (PaySimple %3).</translation>
    </message>
    <message>
        <source>Pinned certificate (compare it with what pos-app-server printed):
%1</source>
        <translation>Certificado fijado (compárelo con el que mostró pos-app-server):
%1</translation>
    </message>
    <message>
        <source>Check what you typed: %1</source>
        <translation>Revise lo que escribió: %1</translation>
    </message>
    <message>
        <source>The enrollment failed (%1).</source>
        <translation>El alta no se pudo completar (%1).</translation>
    </message>
</context>
<context>
    <name>TaskBar</name>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>USStates</name>
    <message>
        <source>Alabama</source>
        <translation>Alabama</translation>
    </message>
    <message>
        <source>Alaska</source>
        <translation>Alaska</translation>
    </message>
    <message>
        <source>Arizona</source>
        <translation>Arizona</translation>
    </message>
    <message>
        <source>Arkansas</source>
        <translation>Arkansas</translation>
    </message>
    <message>
        <source>California</source>
        <translation>California</translation>
    </message>
    <message>
        <source>Colorado</source>
        <translation>Colorado</translation>
    </message>
    <message>
        <source>Connecticut</source>
        <translation>Connecticut</translation>
    </message>
    <message>
        <source>Delaware</source>
        <translation>Delaware</translation>
    </message>
    <message>
        <source>District of Columbia</source>
        <translation>Distrito de Columbia</translation>
    </message>
    <message>
        <source>Florida</source>
        <translation>Florida</translation>
    </message>
    <message>
        <source>Georgia</source>
        <translation>Georgia</translation>
    </message>
    <message>
        <source>Hawaii</source>
        <translation>Hawái</translation>
    </message>
    <message>
        <source>Idaho</source>
        <translation>Idaho</translation>
    </message>
    <message>
        <source>Illinois</source>
        <translation>Illinois</translation>
    </message>
    <message>
        <source>Indiana</source>
        <translation>Indiana</translation>
    </message>
    <message>
        <source>Iowa</source>
        <translation>Iowa</translation>
    </message>
    <message>
        <source>Kansas</source>
        <translation>Kansas</translation>
    </message>
    <message>
        <source>Kentucky</source>
        <translation>Kentucky</translation>
    </message>
    <message>
        <source>Louisiana</source>
        <translation>Luisiana</translation>
    </message>
    <message>
        <source>Maine</source>
        <translation>Maine</translation>
    </message>
    <message>
        <source>Maryland</source>
        <translation>Maryland</translation>
    </message>
    <message>
        <source>Massachusetts</source>
        <translation>Massachusetts</translation>
    </message>
    <message>
        <source>Michigan</source>
        <translation>Míchigan</translation>
    </message>
    <message>
        <source>Minnesota</source>
        <translation>Minnesota</translation>
    </message>
    <message>
        <source>Mississippi</source>
        <translation>Misisipi</translation>
    </message>
    <message>
        <source>Missouri</source>
        <translation>Misuri</translation>
    </message>
    <message>
        <source>Montana</source>
        <translation>Montana</translation>
    </message>
    <message>
        <source>Nebraska</source>
        <translation>Nebraska</translation>
    </message>
    <message>
        <source>Nevada</source>
        <translation>Nevada</translation>
    </message>
    <message>
        <source>New Hampshire</source>
        <translation>Nuevo Hampshire</translation>
    </message>
    <message>
        <source>New Jersey</source>
        <translation>Nueva Jersey</translation>
    </message>
    <message>
        <source>New Mexico</source>
        <translation>Nuevo México</translation>
    </message>
    <message>
        <source>New York</source>
        <translation>Nueva York</translation>
    </message>
    <message>
        <source>North Carolina</source>
        <translation>Carolina del Norte</translation>
    </message>
    <message>
        <source>North Dakota</source>
        <translation>Dakota del Norte</translation>
    </message>
    <message>
        <source>Ohio</source>
        <translation>Ohio</translation>
    </message>
    <message>
        <source>Oklahoma</source>
        <translation>Oklahoma</translation>
    </message>
    <message>
        <source>Oregon</source>
        <translation>Oregón</translation>
    </message>
    <message>
        <source>Pennsylvania</source>
        <translation>Pensilvania</translation>
    </message>
    <message>
        <source>Rhode Island</source>
        <translation>Rhode Island</translation>
    </message>
    <message>
        <source>South Carolina</source>
        <translation>Carolina del Sur</translation>
    </message>
    <message>
        <source>South Dakota</source>
        <translation>Dakota del Sur</translation>
    </message>
    <message>
        <source>Tennessee</source>
        <translation>Tennessee</translation>
    </message>
    <message>
        <source>Texas</source>
        <translation>Texas</translation>
    </message>
    <message>
        <source>Utah</source>
        <translation>Utah</translation>
    </message>
    <message>
        <source>Vermont</source>
        <translation>Vermont</translation>
    </message>
    <message>
        <source>Virginia</source>
        <translation>Virginia</translation>
    </message>
    <message>
        <source>Washington</source>
        <translation>Washington</translation>
    </message>
    <message>
        <source>West Virginia</source>
        <translation>Virginia Occidental</translation>
    </message>
    <message>
        <source>Wisconsin</source>
        <translation>Wisconsin</translation>
    </message>
    <message>
        <source>Wyoming</source>
        <translation>Wyoming</translation>
    </message>
    <message>
        <source>American Samoa</source>
        <translation>Samoa Americana</translation>
    </message>
    <message>
        <source>Guam</source>
        <translation>Guam</translation>
    </message>
    <message>
        <source>Northern Mariana Islands</source>
        <translation>Islas Marianas del Norte</translation>
    </message>
    <message>
        <source>Puerto Rico</source>
        <translation>Puerto Rico</translation>
    </message>
    <message>
        <source>U.S. Virgin Islands</source>
        <translation>Islas Vírgenes de EE. UU.</translation>
    </message>
    <message>
        <source>Armed Forces Americas</source>
        <translation>Fuerzas Armadas (América)</translation>
    </message>
    <message>
        <source>Armed Forces Europe</source>
        <translation>Fuerzas Armadas (Europa)</translation>
    </message>
    <message>
        <source>Armed Forces Pacific</source>
        <translation>Fuerzas Armadas (Pacífico)</translation>
    </message>
</context>
</TS>
