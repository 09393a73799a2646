<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>PaymentPage</name>
    <message>
        <source>更正收費方式</source>
        <translation>Correct the payment method</translation>
    </message>
    <message>
        <source>現金</source>
        <comment>in a sentence</comment>
        <translation>cash</translation>
    </message>
    <message>
        <source>刷卡</source>
        <comment>in a sentence</comment>
        <translation>card</translation>
    </message>
    <message>
        <source>收據 {n} 登錄為{old}，更正為{new}（須主管核准）</source>
        <translation>Receipt {n} was keyed as {old}: correct it to {new} (a supervisor approves)</translation>
    </message>
    <message>
        <source>收據 {n}（{a} 元）實為刷卡：刷卡機交易序號（授權碼）：</source>
        <translation>Receipt {n} (NT${a}) was paid by card: the card terminal's reference (authorisation code):</translation>
    </message>
    <message>
        <source>收據 {n}（{a} 元）登錄為{old}，更正為{new}。</source>
        <translation>Receipt {n} (NT${a}) was keyed as {old}; it is corrected to {new}.</translation>
    </message>
    <message>
        <source>收據不改寫；款項改計入收據開立日日結表的{new}，並列於「收費方式更正」。</source>
        <translation>The receipt is not rewritten: its money is counted as {new} on the closing of the day it was issued, and listed under 收費方式更正 (method corrections).</translation>
    </message>
    <message>
        <source>更正理由：</source>
        <translation>Reason for the correction:</translation>
    </message>
    <message>
        <source>收據 {n}，{a} 元：{old}更正為{new}</source>
        <translation>Receipt {n}, NT${a}: {old} corrected to {new}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_tendered.py" line="37" />
        <source>案件 {number} 收費 {amount} 元，收現 {tendered} 元，找零 {change} 元？找零達 2,000 元以上，請確認收現金額沒有多打一個 0。</source>
        <translation>Take NT${amount} for case {number} with NT${tendered} cash, change NT${change}? The change is NT$2,000 or more: check that the cash tendered has no extra 0.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_tendered.py" line="52" />
        <source>確認收現金額</source>
        <translation>Check the cash tendered</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_tendered.py" line="54" />
        <source>收費(&amp;P)</source>
        <translation>&amp;Pay</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_tendered.py" line="56" />
        <source>修改收現(&amp;B)</source>
        <translation>&amp;Back to the cash</translation>
    </message>
    <message>
        <source>減免原因</source>
        <translation>Reason for the reduction or exemption</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="105" />
        <source>輸入或掃描案號、收據號碼</source>
        <extracomment>Returns the printer for the next job, or None to ask (tests inject a PDF printer). The case most recently written anywhere (intake, queue ...): shown on F6.</extracomment>
        <translation>Type or scan the case or receipt number</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="107" />
        <source>查詢</source>
        <translation>Look up</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="109" />
        <source>案號</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="123" />
        <source>規費核計</source>
        <translation>Fee assessment</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="128" />
        <source>規費項目</source>
        <translation>Fee item</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="128" />
        <source>數量</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="128" />
        <source>單價</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="128" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="202" />
        <source>金額</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="134" />
        <source>免徵</source>
        <translation>Exempt</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="137" />
        <source>減免 </source>
        <translation>Reduction </translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="142" />
        <source>核定規費</source>
        <translation>Assess fee</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="145" />
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="154" />
        <source>收費</source>
        <translation>Payment</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="157" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="316" />
        <source>現金</source>
        <translation>Cash</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="158" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="317" />
        <source>刷卡</source>
        <translation>Card</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="166" />
        <source>繳費方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="170" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="175" />
        <source> 元</source>
        <translation> NTD</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="171" />
        <source>本次收費</source>
        <translation>Amount now</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="176" />
        <source>收現</source>
        <translation>Cash tendered</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="179" />
        <source>找零</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="182" />
        <source>刷卡機交易序號／授權碼</source>
        <translation>Terminal reference / authorisation code</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="183" />
        <source>交易序號</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="184" />
        <source>收費並列印收據 (F9)</source>
        <translation>Take payment and print receipt (F9)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="194" />
        <source>收據</source>
        <translation>Receipts</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="200" />
        <source>收據號碼</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="201" />
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="203" />
        <source>狀態</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="204" />
        <source>已列印</source>
        <translation>Printed</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="212" />
        <source>列印／重印</source>
        <translation>Print / reprint</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="214" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="321" />
        <source>作廢</source>
        <translation>Void</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="216" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="486" />
        <location filename="../../eservice_desktop/gui/payment_page.py" line="494" />
        <source>退費</source>
        <translation>Refund</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="218" />
        <source>日結表…</source>
        <translation>Daily closing…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="268" />
        <source>{name}（{id}）　{service}　{status}</source>
        <translation>{name} ({id})  {service}  {status}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="284" />
        <source>／續 {p}</source>
        <translation> / then {p} each</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="297" />
        <source>已核定</source>
        <translation>assessed</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="297" />
        <source>尚未核定（收費時依此核定）</source>
        <translation>not assessed yet (assessed like this on payment)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="300" />
        <source>小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　餘額 {bal}　（{state}）</source>
        <translation>Subtotal {sub}  reduction {red}  due {due}  paid {paid}  balance {bal}  ({state})</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_totals.py" line="21" />
        <source>小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　撤件後收費 {late} 元（請選收據退費）</source>
        <translation>Subtotal {sub}  reduction {red}  due {due}  paid {paid}  NT${late} taken after the case was cancelled (select a receipt and press Refund)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_totals.py" line="21" />
        <source>小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　駁回後收費 {late} 元（請選收據退費）</source>
        <translation>Subtotal {sub}  reduction {red}  due {due}  paid {paid}  NT${late} taken after the case was rejected (select a receipt and press Refund)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_totals.py" line="21" />
        <source>小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　已撤件，不再收費</source>
        <translation>Subtotal {sub}  reduction {red}  due {due}  paid {paid}  cancelled: nothing more is taken</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_totals.py" line="21" />
        <source>小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　已駁回，不再收費</source>
        <translation>Subtotal {sub}  reduction {red}  due {due}  paid {paid}  rejected: nothing more is taken</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_totals.py" line="21" />
        <source>小計 {sub}　減免 {red}　應繳 {due}　已繳 {paid}　溢繳 {bal} 元（請選收據退費）</source>
        <translation>Subtotal {sub}  reduction {red}  due {due}  paid {paid}  over-paid NT${bal} (select a receipt and press Refund)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="318" />
        <source>線上</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="323" />
        <source>部分退費</source>
        <translation>Partly refunded</translation>
    </message>
    <message>
        <source>已退費</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="323" />
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="330" />
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="330" />
        <source>否</source>
        <translation>No</translation>
    </message>
    <message numerus="yes">
        <location filename="../../eservice_desktop/gui/payment_printing.py" line="90" />
        <source>收據未列印：%n 張已收費的收據尚未印出（{list}）。{action}</source>
        <translation>
            <numerusform>Receipt not printed: %n paid receipt not printed yet ({list}). {action}</numerusform>
            <numerusform>Receipt not printed: %n paid receipts not printed yet ({list}). {action}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_printing.py" line="84" />
        <source>按 F10 列印收據 {first}（案號 {case}）</source>
        <translation>Press F10 to print receipt {first} (case {case})</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_printing.py" line="86" />
        <source>按 F10 列印本案的收據 {first}（案號 {case}）</source>
        <translation>Press F10 to print this case's receipt {first} (case {case})</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_printing.py" line="88" />
        <source>本案沒有未印的收據，按 F10 列印其他案件的收據 {first}（案號 {case}）</source>
        <translation>This case has no unprinted receipt: press F10 to print receipt {first} of another case (case {case})</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="412" />
        <source>收據 {n}：收 {a} 元</source>
        <translation>Receipt {n}: received NT${a}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="414" />
        <source>，找零 {c} 元</source>
        <translation>, change NT${c}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="458" />
        <source>重印收據</source>
        <translation>Reprint receipt</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="458" />
        <source>重新列印收據 {n} 的原因：</source>
        <translation>Reason for reprinting receipt {n}:</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="468" />
        <source>作廢收據</source>
        <translation>Void receipt</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="468" />
        <source>作廢收據 {n} 的原因（號碼保留，列入日結）：</source>
        <translation>Reason for voiding receipt {n} (the number is kept and listed on the closing):</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="487" />
        <source>收據 {n} 退費金額（最多 {left} 元）：</source>
        <translation>Refund amount for receipt {n} (at most NT${left}):</translation>
    </message>
    <message>
        <source>掃描的條碼不是退費金額，未填入；請輸入金額。</source>
        <translation>A scanned barcode is no refund amount and was not entered; type the amount.</translation>
    </message>
    <message>
        <source>退費金額 {a} 元超過可退的 {left} 元。</source>
        <translation>A refund of NT${a} is more than the NT${left} left to refund.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="494" />
        <source>收據 {n} 退費原因：</source>
        <translation>Reason for the refund of receipt {n}:</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="511" />
        <source>日結表</source>
        <translation>Daily closing</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="516" />
        <source>本櫃檯</source>
        <translation>This counter</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="516" />
        <source>全所</source>
        <translation>Whole office</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="517" />
        <source>營業日</source>
        <translation>Business day</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="518" />
        <source>範圍</source>
        <translation>Scope</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="522" />
        <source>存成 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="523" />
        <source>存成 CSV</source>
        <translation>Save as CSV</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="524" />
        <source>列印</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="538" />
        <source>儲存日結表</source>
        <translation>Save the daily closing</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_closing.py" line="83" />
        <source>PDF 檔 (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_closing.py" line="83" />
        <source>CSV 檔 (*.csv)</source>
        <translation>CSV file (*.csv)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/payment_page.py" line="553" />
        <source>日結表已存檔：{p}（淨額 {n} 元，應有現金 {c} 元）；含個人資料，僅限本帳號讀取，用畢請刪除</source>
        <translation>Daily closing saved: {p} (net NT${n}, cash expected NT${c}); it holds personal data, readable by this account only: delete it when done</translation>
    </message>
    <message>
        <source>收據 {n} 已送印</source>
        <translation>Receipt {n} sent to the printer</translation>
    </message>
    <message>
        <source>為線上繳費 {txn} 開立本所收據並列印</source>
        <translation>Issue and print this office's receipt for the online payment {txn}</translation>
    </message>
    <message>
        <source>線上繳費收據 {n}：{a} 元</source>
        <translation>Online payment receipt {n}: NT${a}</translation>
    </message>
    <message>
        <source>日結表已送印（{n} 頁）</source>
        <translation>Daily closing sent to the printer ({n} pages)</translation>
    </message>
    <message>
        <source>案件 {n}（{name}）</source>
        <translation>Case {n} ({name})</translation>
    </message>
    <message>
        <source>案件 {n}（{name}）免徵，規費 {s} 元全免</source>
        <translation>Case {n} ({name}): exempted, the whole fee of NT${s} waived</translation>
    </message>
    <message>
        <source>案件 {n}（{name}）減免 {r} 元，規費 {s} 元減為 {t} 元</source>
        <translation>Case {n} ({name}): NT${r} off, the fee of NT${s} reduced to NT${t}</translation>
    </message>
    <message>
        <source>線上繳費收據不能作廢；款項須退還時請按「退費」（Alt+U）。</source>
        <translation>An online payment's receipt cannot be voided; to hand money back, use Refund (Alt+U).</translation>
    </message>
    <message>
        <source>此收據已全額退費，不能作廢。</source>
        <translation>This receipt was refunded in full and cannot be voided.</translation>
    </message>
    <message>
        <source>此收據已部分退費，不能作廢；其餘款項請按「退費」（Alt+U）。</source>
        <translation>This receipt was partly refunded and cannot be voided; refund the rest with Refund (Alt+U).</translation>
    </message>
    <message>
        <source>本案已交付文件，收據不能作廢；須退還規費請按「退費」（Alt+U）。</source>
        <translation>This case's documents were handed over, so the receipt cannot be voided; to hand the fee back, use Refund (Alt+U).</translation>
    </message>
    <message>
        <source>此收據的開立日期 {day} 晚於今天：開立時電腦時鐘超前，或現在的時鐘落後；請通知資訊人員校正電腦時鐘。</source>
        <translation>This receipt is dated {day}, after today: the PC's clock was ahead when it was issued, or is behind now; ask IT to set the PC's clock right.</translation>
    </message>
    <message>
        <source>此收據為 {day} 開立，已列入當日日結，不能作廢；請按「退費」（Alt+U）。</source>
        <translation>This receipt was issued on {day} and is in that day's closing, so it cannot be voided; use Refund (Alt+U).</translation>
    </message>
    <message>
        <source>收據 {n}：收現 {t} 元，找零 {c} 元</source>
        <translation>Receipt {n}: cash NT${t} received, change NT${c}</translation>
    </message>
    <message>
        <source>收據 {n} 作廢，金額 {a} 元</source>
        <translation>Receipt {n}, NT${a}, to be voided</translation>
    </message>
    <message>
        <source>此收據由他所「{office}」開立。</source>
        <translation>This receipt was issued by another office, {office}.</translation>
    </message>
    <message>
        <source>作廢後由本所退還款項，列入本所日結表「他所收據於本所作廢」並從應有現金扣除。</source>
        <translation>Voided, its money is handed back by this office: this office's closing lists it as another office's receipt voided here and takes it off the cash expected.</translation>
    </message>
    <message>
        <source>開立機關的日結仍計收入。</source>
        <translation>The issuing office's closing still counts it as received.</translation>
    </message>
    <message>
        <source>此收據由本所櫃檯 {device} 開立。</source>
        <translation>This receipt was issued by counter {device} of this office.</translation>
    </message>
    <message>
        <source>作廢後由本櫃退還款項，列入本櫃日結表「他櫃收據於本櫃作廢」並從應有現金扣除。</source>
        <translation>Voided, its money is handed back by this counter: this counter's closing lists it as another counter's receipt voided here and takes it off the cash expected.</translation>
    </message>
    <message>
        <source>（他所 {office} 開立）</source>
        <translation> (issued by another office, {office})</translation>
    </message>
    <message>
        <source>（櫃檯 {device} 開立）</source>
        <translation> (issued by counter {device})</translation>
    </message>
    <message>
        <source>收據 {n} 退費 {a} 元</source>
        <translation>Receipt {n}: refund of NT${a}</translation>
    </message>
    <message>
        <source>收據 {n} 再次補印</source>
        <translation>Receipt {n}: printed again</translation>
    </message>
    <message numerus="yes">
        <source>；%n 張已收費的收據尚未列印：請按 F10 列印</source>
        <translation>
            <numerusform>; %n paid receipt not printed yet: press F10 to print it</numerusform>
            <numerusform>; %n paid receipts not printed yet: press F10 to print them</numerusform>
        </translation>
    </message>
    <message>
        <source>低收入戶免徵（規費法第12條）</source>
        <translation>Low-income household: exempt (Charges and Fees Act art. 12)</translation>
    </message>
    <message>
        <source>中低收入戶免徵</source>
        <translation>Middle-to-low-income household: exempt</translation>
    </message>
    <message>
        <source>公務需要免徵</source>
        <translation>Official use: exempt</translation>
    </message>
    <message>
        <source>重新核發（機關錯誤）免徵</source>
        <translation>Re-issue after an office error: exempt</translation>
    </message>
    <message>
        <source>身心障礙者減半</source>
        <translation>Person with disabilities: half fee</translation>
    </message>
    <message>
        <source>列印收據 (F10)</source>
        <translation>Print receipt (F10)</translation>
    </message>
    <message>
        <source>份數 </source>
        <translation>Copies </translation>
    </message>
</context>
</TS>